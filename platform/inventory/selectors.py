"""Stock queries: which locations a store sells from (its pool) and how many units are free there.

Shared mode: every shared store of one owner sells from the same stock (the supplier warehouses plus the
own stock of all its shared stores), so a sale in any of them lowers availability in all at once.
Independent mode: the store sells only its own locations' stock, which its siblings do not see.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from inventory.models import MovementKind, StockAlert, StockMovement, Transfer, TransferLine
from parties.models import Store, Warehouse
from parties.scoping import scoped
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
    return Warehouse.objects.filter(store=store).order_by("code")


# --- portal pages (every query narrowed by the acting user's scope) -------------------------------------------

RATE_DAYS = 30


def stock_locations(*, scope):
    """The stock locations a portal user may see: a supplier's warehouses, a store's own floor or stock room."""
    return scoped(Warehouse.objects.select_related("supplier", "store"), scope=scope).order_by("code", "pk")


def _search_q(search: str, prefix: str = "") -> Q:
    search = (search or "").strip()
    if not search:
        return Q()
    return (Q(**{f"{prefix}stockrecord__partner_sku__icontains": search})
            | Q(**{f"{prefix}stockrecord__product__title__icontains": search})
            | Q(**{f"{prefix}stockrecord__product__parent__title__icontains": search})
            | Q(**{f"{prefix}stockrecord__product__upc__icontains": search}))


def stock_rows(*, scope, location, search: str = ""):
    """Stock rows of one location in scope, by SKU; `search` matches SKU, title, barcode or bin."""
    condition = _search_q(search)
    if (search or "").strip():
        condition |= Q(bin__iexact=search.strip())
    return (scoped(WarehouseStock.objects.filter(warehouse=location), scope=scope).filter(condition)
            .select_related("stockrecord__product__parent", "warehouse").order_by("stockrecord__partner_sku", "pk"))


def stock_row_detail(*, scope, pk: int) -> WarehouseStock:
    """One stock row in scope (WarehouseStock.DoesNotExist otherwise)."""
    return (scoped(WarehouseStock.objects.all(), scope=scope)
            .select_related("stockrecord__product__parent", "warehouse__store", "warehouse__supplier").get(pk=pk))


def stock_movements(*, stock: WarehouseStock):
    """The ledger of one stock row, newest first."""
    return StockMovement.objects.filter(stock=stock).select_related("actor", "order").order_by("-at", "-pk")


def in_transit(*, location_ids) -> dict[tuple[int, int], int]:
    """Units dispatched to these locations and not yet received: {(location id, stock record id): units}."""
    rows = (TransferLine.objects.filter(transfer__status=Transfer.Status.DISPATCHED,
                                        transfer__to_location_id__in=location_ids)
            .values("transfer__to_location_id", "stockrecord_id").annotate(units=Sum("quantity"))
            .values_list("transfer__to_location_id", "stockrecord_id", "units"))
    return {(location_id, record_id): units for location_id, record_id, units in rows}


def pool_listings(*, store: Store, search: str = ""):
    """The store's listings (one per SKU), for the read-only availability of its pool."""
    from distributor.models import Listing  # distributor's models import this app's selectors' callers

    return (Listing.objects.filter(store=store).filter(_search_q(search))
            .select_related("stockrecord__product__parent").order_by("stockrecord__partner_sku", "pk"))


def stock_alerts(*, scope, location=None):
    """Low-stock alerts in scope: open ones first (newest first), then cleared ones."""


    alerts = scoped(StockAlert.objects.all(), scope=scope)
    if location is not None:
        alerts = alerts.filter(stock__warehouse=location)
    return (alerts.select_related("stock__stockrecord__product__parent", "stock__warehouse")
            .order_by(F("cleared_at").desc(nulls_first=True), "-raised_at", "-pk"))


def units_sold(*, stock_ids, since) -> dict[int, int]:
    """Units sold per stock row since `since`: allocated to orders plus sold in the shop."""


    rows = (StockMovement.objects.filter(stock_id__in=stock_ids, at__gte=since,
                                         kind__in=[MovementKind.ALLOCATE, MovementKind.SALE])
            .values("stock_id")
            .annotate(units=Sum(Case(When(kind=MovementKind.ALLOCATE, then=F("allocated_delta")),
                                     default=-F("on_hand_delta"), output_field=IntegerField())))
            .values_list("stock_id", "units"))
    return {stock_id: units or 0 for stock_id, units in rows}


def days_of_cover(available: int, sold: int, days: int = RATE_DAYS):
    """Days the available units last at the sales rate of the last `days` days; None when nothing sold."""
    if not sold or sold <= 0:
        return None
    rate = Decimal(sold) / Decimal(days)
    return (Decimal(max(available, 0)) / rate).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def reorder_rows(*, scope, location=None, now=None) -> list[WarehouseStock]:
    """Every stock row in scope at or below its low-stock threshold, with `sold_30` and `days_cover`
    (None: nothing sold, listed last), fewest days of cover first."""



    rows = (scoped(WarehouseStock.objects.filter(low_stock_threshold__isnull=False), scope=scope)
            .annotate(free=F("on_hand") - F("allocated")).filter(free__lte=F("low_stock_threshold")))
    if location is not None:
        rows = rows.filter(warehouse=location)
    rows = list(rows.select_related("stockrecord__product__parent", "warehouse"))
    now = now or timezone.now()
    sold = units_sold(stock_ids=[row.pk for row in rows], since=now - timedelta(days=RATE_DAYS))
    for row in rows:
        row.sold_30 = sold.get(row.pk, 0)
        row.days_cover = days_of_cover(row.available, row.sold_30)
    rows.sort(key=lambda row: (row.days_cover is None, row.days_cover or 0, row.available,
                               row.stockrecord.partner_sku, row.pk))
    return rows


def transfer_list(*, scope, location=None):
    """Transfers in scope (either end), in transit first, newest first."""


    transfers = scoped(Transfer.objects.all(), scope=scope)
    if location is not None:
        transfers = transfers.filter(Q(from_location=location) | Q(to_location=location))
    return (transfers.select_related("from_location", "to_location", "created_by", "received_by")
            .annotate(units=Sum("lines__quantity"),
                      open_first=Case(When(status=Transfer.Status.DISPATCHED, then=Value(0)), default=Value(1),
                                      output_field=IntegerField()))
            .order_by("open_first", "-dispatched_at", "-pk"))


def transfer_detail(*, scope, pk: int):
    """One transfer in scope (Transfer.DoesNotExist otherwise)."""
    return scoped(Transfer.objects.select_related("from_location__store", "to_location__store",
                                                  "from_location__supplier", "to_location__supplier",
                                                  "created_by", "received_by"), scope=scope).get(pk=pk)


def transfer_destinations(*, source):
    """Locations stock from `source` may move to: the same owner's other locations."""
    kind, owner_id = source.owner_key
    if kind == "supplier":
        same = Q(supplier_id=owner_id) | Q(store__supplier_id=owner_id)
    else:
        same = Q(store__distributor_id=owner_id)
    return Warehouse.objects.filter(same).exclude(pk=source.pk).select_related("store").order_by("code", "pk")


def available_by_store(*, stores, stockrecord_ids) -> dict[tuple[int, int], int]:
    """Free units per (store id, SKU) for several stores at once, in one query (a basket of several stores):
    one sum per store, each over its own pool (`pool_q`)."""
    stores = list(stores)
    if not stores:
        return {}
    condition = Q()
    for store in stores:
        condition |= pool_q(store)
    free_units = Greatest(F("on_hand") - F("allocated"), Value(0))
    rows = (WarehouseStock.objects.filter(condition, stockrecord_id__in=stockrecord_ids)
            .values("stockrecord_id")
            .annotate(**{f"free_{store.pk}": Sum(free_units, filter=pool_q(store)) for store in stores}))
    return {(store.pk, row["stockrecord_id"]): row[f"free_{store.pk}"]
            for row in rows for store in stores if row[f"free_{store.pk}"] is not None}
