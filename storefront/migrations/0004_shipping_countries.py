"""The countries the marketplace delivers to (oscar's address book needs them; the operator can add more)."""

from django.db import migrations

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


def add_countries(apps, schema_editor):
    Country = apps.get_model("address", "Country")
    for a2, a3, numeric, printable, name, order in COUNTRIES:
        Country.objects.update_or_create(iso_3166_1_a2=a2, defaults={
            "iso_3166_1_a3": a3, "iso_3166_1_numeric": numeric, "printable_name": printable, "name": name,
            "display_order": order, "is_shipping_country": True})


class Migration(migrations.Migration):
    dependencies = [
        ("mp_storefront", "0003_shipping_rules_and_domains"),
        ("address", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_countries, migrations.RunPython.noop)]
