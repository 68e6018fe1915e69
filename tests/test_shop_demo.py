"""The demo's shopping history is real: ~200 orders placed through basket and checkout, then paid, shipped,
delivered, a few returned, some with the demo coupon, some spanning two stores."""

from collections import Counter
from decimal import Decimal

from oscar.core.loading import get_model

from payments.models import Payment
from storefront.models import FulfilmentGroup, OrderShipping
from storefront.returns.models import ReturnRequest

Order = get_model("order", "Order")
OrderDiscount = get_model("order", "OrderDiscount")


def test_the_demo_shopping_history(demo):
    orders = Order.objects.filter(number__startswith="DEMO-2")
    assert 180 <= orders.count() <= 200
    assert orders.filter(user__isnull=True).exclude(guest_email="").exists(), "guests bought too"
    statuses = Counter(orders.values_list("status", flat=True))
    assert statuses["Paid"] > 100 and statuses["Pending payment"] > 10
    groups = Counter(FulfilmentGroup.objects.filter(order__in=orders).values_list("status", flat=True))
    assert groups["delivered"] > 50 and groups["pending"] > 10
    assert ReturnRequest.objects.filter(order__in=orders).count() >= 3
    assert Payment.objects.filter(order__in=orders, amount_refunded__gt=0).exists(), "an approved return refunded"
    assert OrderDiscount.objects.filter(order__in=orders, voucher_code="SUNRISE10").exists()
    two_stores = [order for order in orders.prefetch_related("lines") if len({line.store_id for line in
                                                                              order.lines.all()}) == 2]
    assert two_stores, "some baskets held two stores' items"
    for order in orders.prefetch_related("lines", "store_shipping")[:40]:
        items = sum((line.line_price_incl_tax for line in order.lines.all()), Decimal("0.00"))
        shipping = sum((row.charge for row in order.store_shipping.all()), Decimal("0.00"))
        assert order.total_incl_tax == items + shipping, order.number
    assert OrderShipping.objects.filter(order__in=orders, charge__gt=0).exists()
