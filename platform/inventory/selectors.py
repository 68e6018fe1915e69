"""Stock queries: which locations a store sells from (its pool) and how many units are free there.

Shared mode: every shared store of one owner sells from the same stock (the supplier warehouses plus the
own stock of all its shared stores), so a sale in any of them lowers availability in all at once.
Independent mode: the store sells only its own locations' stock, which its siblings do not see.
"""

from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Greatest

from parties.models import Store
from supplier.models import WarehouseStock


def pool_q(store: Store, prefix: str = "") -> Q:
    """The condition on WarehouseStock (`prefix` for a relation to it) for the rows `store` sells from."""
    if store.stock_mode == Store.StockMode.INDEPENDENT:
        return Q(**{f"{prefix}warehouse__store_id": store.pk})
    siblings = Store.objects.filter(stock_mode=Store.StockMode.SHARED, distributor_id=store.distributor_id,
                                    supplier_id=store.supplier_id).values("pk")
    return Q(**{f"{prefix}warehouse__supplier__isnull": False}) | Q(**{f"{prefix}warehouse__store__in": siblings})


def available_in(*, store: Store, stockrecord_ids) -> dict[int, int]:
    """Free units per SKU in the store's pool, in one query ({stock record id: units}; no row means 0).

    `stockrecord_ids` may be a list or a subquery (e.g. the store's listings), so a page of any size costs
    the same one query.
    """
    rows = (WarehouseStock.objects.filter(pool_q(store), stockrecord_id__in=stockrecord_ids)
            .values("stockrecord_id")
            .annotate(free=Sum(Greatest(F("on_hand") - F("allocated"), Value(0))))
            .values_list("stockrecord_id", "free"))
    return {record_id: free or 0 for record_id, free in rows}


def store_locations(*, store: Store):
    """The store's own stock locations (a shop floor, a stock room)."""
    from parties.models import Warehouse

    return Warehouse.objects.filter(store=store).order_by("code")
