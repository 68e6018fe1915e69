"""Delivery addresses for orders placed without a form (the demo, benchmarks): one place that builds them."""

from oscar.core.loading import get_model

ShippingAddress = get_model("order", "ShippingAddress")


def shipping_address_new(*, name: str = "Li Lei", line1: str = "1 Nanjing Road", city: str = "Shanghai",
                         postcode: str = "200001", country: str = "CN", phone: str = ""):
    """An unsaved oscar shipping address (order_place saves it with the order)."""
    first, _space, last = name.partition(" ")
    return ShippingAddress(first_name=first, last_name=last, line1=line1, line4=city, postcode=postcode,
                           country_id=country, phone_number=phone)
