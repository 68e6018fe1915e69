"""Delivery addresses: the countries delivered to, and addresses for orders placed without a form (the demo,
benchmarks)."""

from oscar.core.loading import get_model

ShippingAddress = get_model("order", "ShippingAddress")

COUNTRIES = [
    # a2, a3, numeric, printable name, official name, display order (higher first)
    ("CN", "CHN", "156", "China", "People's Republic of China", 10),
    ("HK", "HKG", "344", "Hong Kong", "Hong Kong Special Administrative Region of China", 5),
    ("MO", "MAC", "446", "Macao", "Macao Special Administrative Region of China", 5),
    ("TW", "TWN", "158", "Taiwan", "Taiwan", 5),
    ("SG", "SGP", "702", "Singapore", "Republic of Singapore", 1),
    ("MY", "MYS", "458", "Malaysia", "Malaysia", 1),
    ("JP", "JPN", "392", "Japan", "Japan", 1),
    ("KR", "KOR", "410", "South Korea", "Republic of Korea", 1),
    ("GB", "GBR", "826", "United Kingdom", "United Kingdom of Great Britain and Northern Ireland", 1),
    ("US", "USA", "840", "United States", "United States of America", 1),
]


def shipping_countries_ensure(*, country_model=None) -> None:
    """The countries the marketplace delivers to exist (a migration adds them; a flushed test database or a
    fresh demo gets them back from `load_demo`). The operator adds more in Django admin."""
    Country = country_model or get_model("address", "Country")
    for a2, a3, numeric, printable, name, order in COUNTRIES:
        Country.objects.update_or_create(iso_3166_1_a2=a2, defaults={
            "iso_3166_1_a3": a3, "iso_3166_1_numeric": numeric, "printable_name": printable, "name": name,
            "display_order": order, "is_shipping_country": True})


def shipping_address_new(*, name: str = "Li Lei", line1: str = "1 Nanjing Road", city: str = "Shanghai",
                         postcode: str = "200001", country: str = "CN", phone: str = ""):
    """An unsaved oscar shipping address (order_place saves it with the order)."""
    first, _space, last = name.partition(" ")
    return ShippingAddress(first_name=first, last_name=last, line1=line1, line4=city, postcode=postcode,
                           country_id=country, phone_number=phone)
