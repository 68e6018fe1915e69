"""The store admin's day at a glance: what to ship, what runs low, what is on its way, what sold today."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from inventory.models import StockAlert, Transfer
from inventory.selectors import transfer_list
from parties.models import Store
from parties.scoping import Scope, scoped
from storefront.fulfilment.selectors import fulfilment_groups

Line = get_model("order", "Line")


@dataclass(frozen=True)
class Today:
    to_ship: int
    low_stock: int
    incoming_transfers: int
    orders_today: int
    sales_today: Decimal
    in_shop_today: int


def store_today(*, scope: Scope, store: Store) -> Today:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    sold = (Line.objects.filter(store=store, order__date_placed__gte=start)
            .exclude(order__status="Cancelled")
            .aggregate(orders=Count("order", distinct=True), total=Sum("line_price_incl_tax"),
                       in_shop=Count("order__instore_sale", distinct=True)))
    return Today(
        to_ship=fulfilment_groups(scope=scope).count(),
        low_stock=scoped(StockAlert.objects.filter(cleared_at__isnull=True), scope=scope).count(),
        incoming_transfers=transfer_list(scope=scope).filter(status=Transfer.Status.DISPATCHED,
                                                             to_location__store=store).count(),
        orders_today=sold["orders"] or 0,
        sales_today=sold["total"] or Decimal("0.00"),
        in_shop_today=sold["in_shop"] or 0,
    )
