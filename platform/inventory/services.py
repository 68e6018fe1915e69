"""Stock commands: the only code that changes units on hand or allocated, each change a ledger movement.

Rows are locked through `parties.locking.lock_rows` (pk order) by `stock_rows_lock`; `stock_moves_apply`
then checks every move, writes nothing if any is wrong, and otherwise writes the movements, the new
totals per location, the SKU's totals on oscar's stock record, and raises or clears low-stock alerts.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from inventory.models import MovementKind, StockAlert, StockMovement
from inventory.selectors import pool_q
from parties.locking import lock_rows
from parties.models import Store, Warehouse
from supplier.models import WarehouseStock

StockRecord = get_model("partner", "StockRecord")

# Kinds that take units nobody has promised: they may not dig into what orders already hold.
_TAKES_FREE_UNITS = {MovementKind.SALE, MovementKind.TRANSFER_OUT, MovementKind.WRITE_OFF}


@dataclass
class Move:
    """One change of one locked stock row: `on_hand` and `allocated` are deltas."""

    stock: WarehouseStock
    kind: str
    on_hand: int = 0
    allocated: int = 0
    reason: str = ""
    reference: str = ""


class SoldOut(ValidationError):
    """Some items want more units than are free; `titles` names them. Nothing was written."""

    def __init__(self, titles: list[str]):
        self.titles = titles
        super().__init__(_("Sold out: %(titles)s. Lower the quantity or remove it from your basket.") % {
            "titles": ", ".join(titles)})


def sku_title(stockrecord) -> str:
    product = stockrecord.product
    if product.parent_id and product.title:
        return f"{product.parent.title} ({product.title})"
    return product.get_title()


def stock_rows_lock(*, pairs: Iterable[tuple[int, int]], create: bool = False) -> dict[tuple[int, int], WarehouseStock]:
    """Lock the stock rows of (location id, stock record id) pairs; `create` first adds missing rows at zero."""
    pairs = set(pairs)
    if not pairs:
        return {}
    if create:
        WarehouseStock.objects.bulk_create([WarehouseStock(warehouse_id=w, stockrecord_id=s) for w, s in pairs],
                                           ignore_conflicts=True)
    condition = Q()
    by_location: dict[int, set[int]] = defaultdict(set)
    for warehouse_id, record_id in pairs:
        by_location[warehouse_id].add(record_id)
    for warehouse_id, record_ids in by_location.items():
        condition |= Q(warehouse_id=warehouse_id, stockrecord_id__in=sorted(record_ids))
    rows = lock_rows(WarehouseStock.objects.filter(condition))
    return {(row.warehouse_id, row.stockrecord_id): row for row in rows}


def stock_moves_apply(*, moves: list[Move], actor=None, order=None, at=None) -> list[StockMovement]:
    """Apply moves to rows locked by `stock_rows_lock`; all or nothing, with a message naming each refusal."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock_moves_apply() must run inside transaction.atomic()")
    at = at or timezone.now()
    before = {id(move.stock): (move.stock.on_hand, move.stock.allocated) for move in moves}
    problems = []
    for move in moves:
        row = move.stock
        on_hand, allocated = row.on_hand + move.on_hand, row.allocated + move.allocated
        if move.allocated > 0 and move.allocated > row.on_hand - row.allocated:
            problems.append(_("only %(free)d of %(sku)s free at %(location)s") % _named(row, free=row.available))
        elif on_hand < 0:
            problems.append(_("only %(free)d of %(sku)s on hand at %(location)s") % _named(row, free=row.on_hand))
        elif allocated < 0:
            problems.append(_("only %(free)d of %(sku)s allocated at %(location)s") % _named(row, free=row.allocated))
        elif move.kind in _TAKES_FREE_UNITS and move.on_hand < 0 and on_hand < allocated:
            problems.append(_("only %(free)d of %(sku)s free at %(location)s") % _named(row, free=row.available))
        else:
            row.on_hand, row.allocated = on_hand, allocated
    if problems:
        for move in moves:  # leave the caller's objects as the database still has them
            move.stock.on_hand, move.stock.allocated = before[id(move.stock)]
        raise ValidationError(_("Stock unchanged: %(problems)s.") % {"problems": "; ".join(problems)})
    movements = StockMovement.objects.bulk_create([
        StockMovement(stock=move.stock, kind=move.kind, on_hand_delta=move.on_hand, allocated_delta=move.allocated,
                      on_hand_after=move.stock.on_hand, actor=actor if getattr(actor, "pk", None) else None,
                      reason=move.reason[:255], reference=move.reference[:64], order=order, at=at)
        for move in moves])
    rows = {id(move.stock): move.stock for move in moves}
    WarehouseStock.objects.bulk_update(list(rows.values()), ["on_hand", "allocated"], batch_size=500)
    _record_totals_add(moves)
    _alerts_update(rows=list(rows.values()), before=before, at=at)
    return movements


def _named(row, **extra) -> dict:
    return {"sku": row.stockrecord.partner_sku, "location": row.warehouse.code, **extra}


def _record_totals_add(moves: list[Move]) -> None:
    """Oscar's stock record keeps the SKU's totals over all locations (its dashboard and our lists read them)."""
    in_stock: dict[int, int] = defaultdict(int)
    allocated: dict[int, int] = defaultdict(int)
    for move in moves:
        in_stock[move.stock.stockrecord_id] += move.on_hand
        allocated[move.stock.stockrecord_id] += move.allocated
    changed = sorted(pk for pk in in_stock if in_stock[pk] or allocated[pk])
    for start in range(0, len(changed), 500):
        batch = changed[start:start + 500]
        StockRecord.objects.filter(pk__in=batch).update(
            num_in_stock=F("num_in_stock") + Case(*[When(pk=pk, then=in_stock[pk]) for pk in batch], default=0),
            num_allocated=Case(When(num_allocated__isnull=True, then=0), default=F("num_allocated"))
            + Case(*[When(pk=pk, then=allocated[pk]) for pk in batch], default=0))


def _alerts_update(*, rows: list[WarehouseStock], before: dict, at) -> None:
    """Raise an alert when available units cross down to the threshold; clear it once they are back above."""
    raised, cleared = [], []
    for row in rows:
        if row.low_stock_threshold is None:
            continue
        was = before[id(row)][0] - before[id(row)][1]
        if was > row.low_stock_threshold >= row.available:
            raised.append(StockAlert(stock=row, threshold=row.low_stock_threshold, available=row.available,
                                     raised_at=at))
        elif was <= row.low_stock_threshold < row.available:
            cleared.append(row.pk)
    if cleared:
        StockAlert.objects.filter(stock_id__in=cleared, cleared_at__isnull=True).update(cleared_at=at)
    if raised:
        StockAlert.objects.filter(stock__in=[alert.stock for alert in raised], cleared_at__isnull=True).update(
            cleared_at=at)
        StockAlert.objects.bulk_create(raised)


def stock_threshold_set(*, stock: WarehouseStock, threshold: int | None, actor=None) -> WarehouseStock:
    """Set (or clear, with None) the low-stock threshold; an alert is raised at once if stock is already low."""
    if threshold is not None and threshold < 0:
        raise ValidationError(_("A threshold cannot be negative."))
    with transaction.atomic():
        [row] = lock_rows(WarehouseStock.objects.filter(pk=stock.pk))
        row.low_stock_threshold = threshold
        row.save(update_fields=["low_stock_threshold"])
        StockAlert.objects.filter(stock=row, cleared_at__isnull=True).update(cleared_at=timezone.now())
        if threshold is not None and row.available <= threshold:
            StockAlert.objects.create(stock=row, threshold=threshold, available=row.available,
                                      raised_at=timezone.now())
    return row


# --- orders -------------------------------------------------------------------------------------------------

def _pool_priority(store: Store):
    """Draw from the store's own stock first, then supplier warehouses, then sibling stores' stock."""

    def key(row: WarehouseStock):
        location = row.warehouse
        own = 0 if location.store_id == store.pk else (1 if location.supplier_id else 2)
        return (own, -row.available, location.pk)

    return key


def stock_allocate(*, store: Store, stockrecord, quantity: int, order=None, actor=None) -> list[tuple[int, int]]:
    """Promise `quantity` units of one SKU to an order from the store's pool; [(location id, units)] drawn."""
    rows = lock_rows(WarehouseStock.objects.filter(pool_q(store), stockrecord_id=stockrecord.pk)
                     .select_related("warehouse"))
    rows.sort(key=_pool_priority(store))
    moves, left = [], quantity
    for row in rows:
        units = min(left, max(row.available, 0))
        if units:
            moves.append(Move(stock=row, kind=MovementKind.ALLOCATE, allocated=units,
                              reference=getattr(order, "number", "")))
            left -= units
        if not left:
            break
    if left:
        raise SoldOut([sku_title(stockrecord)])
    stock_moves_apply(moves=moves, actor=actor, order=order)
    return [(move.stock.warehouse_id, move.allocated) for move in moves]


def stock_release(*, items: list[tuple[int, int, int]], reason: str, actor=None, order=None) -> None:
    """Give back units promised to an order: items are (location id, stock record id, units)."""
    _apply_items(items, kind=MovementKind.RELEASE, on_hand=0, allocated=-1, reason=reason, actor=actor, order=order)


def stock_ship(*, items: list[tuple[int, int, int]], reason: str = "", actor=None, order=None) -> None:
    """Units leave the location for the shopper: off the shelf and out of the allocation."""
    _apply_items(items, kind=MovementKind.SHIP, on_hand=-1, allocated=-1, reason=reason, actor=actor, order=order)


def _apply_items(items, *, kind, on_hand: int, allocated: int, reason: str, actor, order) -> None:
    wanted: dict[tuple[int, int], int] = defaultdict(int)
    for warehouse_id, record_id, units in items:
        wanted[(warehouse_id, record_id)] += units
    with transaction.atomic():
        rows = stock_rows_lock(pairs=wanted)
        missing = set(wanted) - set(rows)
        if missing:
            raise ValidationError(_("No stock row for %(pairs)s.") % {"pairs": sorted(missing)})
        moves = [Move(stock=rows[pair], kind=kind, on_hand=on_hand * units, allocated=allocated * units,
                      reason=reason, reference=getattr(order, "number", "")) for pair, units in wanted.items()]
        stock_moves_apply(moves=moves, actor=actor, order=order)


# --- locations ----------------------------------------------------------------------------------------------

def stock_receive(*, location: Warehouse, items: list[tuple[int, int]], actor, reason: str,
                  kind: str = MovementKind.RECEIVE, reference: str = "", order=None) -> list[StockMovement]:
    """Units arrive at a location: items are (stock record id, units), each at least 1."""
    if any(units < 1 for _record, units in items):
        raise ValidationError(_("Receive at least one unit of each item."))
    with transaction.atomic():
        rows = stock_rows_lock(pairs={(location.pk, record_id) for record_id, _units in items}, create=True)
        moves = [Move(stock=rows[(location.pk, record_id)], kind=kind, on_hand=units, reason=reason,
                      reference=reference) for record_id, units in items]
        return stock_moves_apply(moves=moves, actor=actor, order=order)


def stock_levels_set(*, location: Warehouse, levels: dict[int, int], actor, reason: str,
                     reference: str = "") -> list[StockMovement]:
    """Set units on hand of SKUs ({stock record id: units}) at a location: one adjustment per SKU that changes."""
    if any(units < 0 for units in levels.values()):
        raise ValidationError(_("Stock cannot be negative."))
    with transaction.atomic():
        rows = stock_rows_lock(pairs={(location.pk, record_id) for record_id in levels}, create=True)
        moves = [Move(stock=rows[(location.pk, record_id)], kind=MovementKind.ADJUST,
                      on_hand=units - rows[(location.pk, record_id)].on_hand, reason=reason, reference=reference)
                 for record_id, units in levels.items() if units != rows[(location.pk, record_id)].on_hand]
        return stock_moves_apply(moves=moves, actor=actor) if moves else []


def stock_opening_record(*, rows: list[WarehouseStock], actor=None, reason: str) -> None:
    """Rows just created with units on hand (bulk import): write their opening movement, so the ledger adds up."""
    at = timezone.now()
    StockMovement.objects.bulk_create([
        StockMovement(stock=row, kind=MovementKind.RECEIVE, on_hand_delta=row.on_hand, on_hand_after=row.on_hand,
                      actor=actor if getattr(actor, "pk", None) else None, reason=reason, at=at)
        for row in rows if row.on_hand])
