"""Stock allocation at checkout: never more than is free, also under concurrent checkouts.

Two guards, both inside the order transaction: the stock record is allocated by a conditional UPDATE (only
where enough units are free; no row updated means sold out), and the units are then drawn from the supplier's
warehouses with their rows locked through `lock_rows` (fixed pk order, so checkouts queue, never deadlock).
"""

from django.core.exceptions import ValidationError
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from parties.locking import lock_rows
from supplier.models import WarehouseStock

StockRecord = get_model("partner", "StockRecord")


class SoldOut(ValidationError):
    """Some basket lines want more than is left; `titles` names them for the shopper. Nothing was written."""

    def __init__(self, titles: list[str]):
        self.titles = titles
        super().__init__(_("Sold out: %(titles)s. Lower the quantity or remove it from your basket.") % {
            "titles": ", ".join(titles)})


def product_title(product) -> str:
    """What the shopper calls it: "Listing tea (50 g)" for a variant, the title for anything else."""
    if product.parent_id and product.title:
        return f"{product.parent.title} ({product.title})"
    return product.get_title()


def free_units(record) -> int:
    return max((record.num_in_stock or 0) - (record.num_allocated or 0), 0)


def allocate_record(*, record_id: int, quantity: int, title: str) -> None:
    allocated = Coalesce(F("num_allocated"), Value(0))
    updated = (StockRecord.objects.filter(pk=record_id)
               .annotate(allocated_now=allocated)
               .filter(num_in_stock__gte=F("allocated_now") + quantity)
               .update(num_allocated=allocated + quantity))
    if not updated:
        raise SoldOut([title])


def allocate_warehouses(*, record_id: int, quantity: int) -> list[tuple[int, int]]:
    """Draw `quantity` units of one SKU from its warehouses, fullest first; [(warehouse id, units)]."""
    rows = lock_rows(WarehouseStock.objects.filter(stockrecord_id=record_id))
    rows.sort(key=lambda ws: (-(ws.on_hand - ws.allocated), ws.warehouse_id))
    taken: list[tuple[int, int]] = []
    left = quantity
    for ws in rows:
        units = min(left, max(ws.on_hand - ws.allocated, 0))
        if units:
            WarehouseStock.objects.filter(pk=ws.pk).update(allocated=F("allocated") + units)
            taken.append((ws.warehouse_id, units))
            left -= units
        if not left:
            return taken
    raise SoldOut([product_title(StockRecord.objects.select_related("product__parent").get(pk=record_id).product)])
