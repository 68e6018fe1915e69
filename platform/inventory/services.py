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
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from audit.services import audit_record, saved_user
from inventory.bulk_sql import update_from_values
from inventory.models import MovementKind, StockAlert, StockMovement, Transfer, TransferLine
from inventory.selectors import pool_q
from parties.locking import lock_rows
from parties.models import Store, Warehouse
from parties.scoping import Scope, scoped
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


def product_title(product) -> str:
    """What the shopper calls it: "Listing tea (50 g)" for a variant, the title for anything else."""
    if product.parent_id and product.title:
        return f"{product.parent.title} ({product.title})"
    return product.get_title()


def sku_title(stockrecord) -> str:
    return product_title(stockrecord.product)


def stock_rows_lock(*, pairs: Iterable[tuple[int, int]], create: bool = False) -> dict[tuple[int, int], WarehouseStock]:
    """Lock the stock rows of (location id, stock record id) pairs; `create` adds the missing ones at zero first.

    Existing rows are locked first and only missing pairs are inserted, so a count or delivery of thousands of
    SKUs already stocked there writes no extra rows.
    """
    pairs = set(pairs)
    if not pairs:
        return {}
    rows = _lock_pairs(pairs)
    missing = pairs - set(rows)
    if create and missing:
        threshold = new_row_threshold()
        WarehouseStock.objects.bulk_create([WarehouseStock(warehouse_id=w, stockrecord_id=s,
                                                           low_stock_threshold=threshold) for w, s in missing],
                                           ignore_conflicts=True)  # a concurrent creator may have won: fine
        rows.update(_lock_pairs(missing))
    return rows


def new_row_threshold() -> int | None:
    """No threshold set yet on a new stock row: the marketplace default (the operator's low-stock setting; None
    until the operator sets one: no alerts)."""
    from siteconfig.selectors import setting_value

    return setting_value(key="low_stock_default")


def _lock_pairs(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], WarehouseStock]:
    condition = Q()
    by_location: dict[int, set[int]] = defaultdict(set)
    for warehouse_id, record_id in pairs:
        by_location[warehouse_id].add(record_id)
    for warehouse_id, record_ids in by_location.items():
        condition |= Q(warehouse_id=warehouse_id, stockrecord_id__in=sorted(record_ids))
    return {(row.warehouse_id, row.stockrecord_id): row for row in lock_rows(WarehouseStock.objects.filter(condition))}


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
                      on_hand_after=move.stock.on_hand, actor=saved_user(actor),
                      reason=str(move.reason)[:255], reference=str(move.reference)[:64], order=order, at=at)
        for move in moves])
    rows = {id(move.stock): move.stock for move in moves}
    update_from_values(model=WarehouseStock, assignments={"on_hand": "v.value1", "allocated": "v.value2"},
                       rows=[(row.pk, row.on_hand, row.allocated) for row in rows.values()])
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
    update_from_values(model=StockRecord, assignments={"num_in_stock": "COALESCE(num_in_stock, 0) + v.value1",
                                                       "num_allocated": "COALESCE(num_allocated, 0) + v.value2"},
                       rows=[(pk, in_stock[pk], allocated[pk]) for pk in changed])


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
        for alert in raised:
            _alert_raised(alert)


def _alert_raised(alert: StockAlert) -> None:
    """The one place a new low-stock alert passes through: the audit record and the live notification to the
    location's people (the supplier for its warehouse, the store for its own stock), in the movement's transaction.
    """
    from notifications.audiences import Audience
    from notifications.services import event_emit

    location = alert.stock.warehouse
    audit_record(action="stock.alert_raised", target=alert.stock,
                 changes={"sku": alert.stock.stockrecord.partner_sku, "location": location.code,
                          "available": alert.available, "threshold": alert.threshold})
    event_emit(kind="stock.low", audiences=[Audience.of_location(location)], params={
        "sku": alert.stock.stockrecord.partner_sku, "available": alert.available, "threshold": alert.threshold,
        "location": location.display_name, "stock": alert.stock.pk})


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
            _alert_raised(StockAlert.objects.create(stock=row, threshold=threshold, available=row.available,
                                                    raised_at=timezone.now()))
        audit_record(action="stock.threshold_set", actor=actor, target=row,
                     changes={"sku": row.stockrecord.partner_sku, "location": row.warehouse.code,
                              "threshold": threshold})
    return row


# --- orders -------------------------------------------------------------------------------------------------

def _pool_priority(store: Store):
    """Draw from the store's own stock first, then supplier warehouses, then sibling stores' stock."""

    def key(row: WarehouseStock):
        location = row.warehouse
        own = 0 if location.store_id == store.pk else (1 if location.supplier_id else 2)
        return (own, -row.available, location.pk)

    return key


def units_drawn(*, rows: list[WarehouseStock], quantity: int) -> tuple[list[tuple[WarehouseStock, int]], int]:
    """Take `quantity` free units from locked rows in the order given: ([(row, units)], units still missing)."""
    drawn, left = [], quantity
    for row in rows:
        if not left:
            break
        units = min(left, max(row.available, 0))
        if units:
            drawn.append((row, units))
            left -= units
    return drawn, left


def stock_allocate(*, store: Store, stockrecord, quantity: int, order=None, actor=None) -> list[tuple[int, int]]:
    """Promise `quantity` units of one SKU to an order from the store's pool; [(location id, units)] drawn."""
    rows = lock_rows(WarehouseStock.objects.filter(pool_q(store), stockrecord_id=stockrecord.pk)
                     .select_related("warehouse"))
    rows.sort(key=_pool_priority(store))
    drawn, left = units_drawn(rows=rows, quantity=quantity)
    if left:
        raise SoldOut([sku_title(stockrecord)])
    moves = [Move(stock=row, kind=MovementKind.ALLOCATE, allocated=units, reference=getattr(order, "number", ""))
             for row, units in drawn]
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
                     reference: str = "", at=None) -> list[StockMovement]:
    """Set units on hand of SKUs ({stock record id: units}) at a location: one adjustment per SKU that changes
    (a supplier's edit, an adjustment to a count, a stocktake's approval at `at`)."""
    if any(units < 0 for units in levels.values()):
        raise ValidationError(_("Stock cannot be negative."))
    with transaction.atomic():
        rows = stock_rows_lock(pairs={(location.pk, record_id) for record_id in levels}, create=True)
        moves = [Move(stock=rows[(location.pk, record_id)], kind=MovementKind.ADJUST,
                      on_hand=units - rows[(location.pk, record_id)].on_hand, reason=reason, reference=reference)
                 for record_id, units in levels.items() if units != rows[(location.pk, record_id)].on_hand]
        return stock_moves_apply(moves=moves, actor=actor, at=at) if moves else []


def stock_opening_record(*, rows: list[WarehouseStock], actor=None, reason: str) -> None:
    """Rows just created with units on hand (bulk import): write their opening movement, so the ledger adds up."""
    at = timezone.now()
    StockMovement.objects.bulk_create([
        StockMovement(stock=row, kind=MovementKind.RECEIVE, on_hand_delta=row.on_hand, on_hand_after=row.on_hand,
                      actor=saved_user(actor), reason=reason, at=at)
        for row in rows if row.on_hand])


def stock_row_receive(*, stock: WarehouseStock, units: int, actor, reason: str) -> StockMovement:
    """Units of one stock row's SKU arrive at its location (a delivery, a found box)."""
    if units is None or units < 1:
        raise ValidationError(_("Receive at least one unit."))
    with transaction.atomic():
        [movement] = stock_receive(location=stock.warehouse, items=[(stock.stockrecord_id, units)], actor=actor,
                                   reason=reason.strip())
        audit_record(action="stock.received", actor=actor, target=stock,
                     changes={"sku": stock.stockrecord.partner_sku, "location": stock.warehouse.code,
                              "units": units, "reason": reason.strip()})
    return movement


def stock_adjust(*, stock: WarehouseStock, counted: int, actor, reason: str) -> StockMovement | None:
    """Set a stock row's units on hand to a counted number (one ADJUST movement); a reason is required.

    Counting fewer units than orders hold is allowed (the shelf is what it is): the row then shows more
    allocated than on hand until the orders are re-sourced or released.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the stock is adjusted."))
    if counted is None or counted < 0:
        raise ValidationError(_("Stock cannot be negative."))
    with transaction.atomic():
        movements = stock_levels_set(location=stock.warehouse, levels={stock.stockrecord_id: counted}, actor=actor,
                                     reason=reason)
        before = counted - movements[0].on_hand_delta if movements else counted
        audit_record(action="stock.adjusted", actor=actor, target=stock,
                     changes={"sku": stock.stockrecord.partner_sku, "location": stock.warehouse.code,
                              "on_hand": [before, counted], "reason": reason})
    return movements[0] if movements else None


# --- transfers ----------------------------------------------------------------------------------------------

def _reaches(scope: Scope | None, location: Warehouse) -> bool:
    return scope is None or scoped(Warehouse.objects.filter(pk=location.pk), scope=scope).exists()


def transfer_dispatch(*, source: Warehouse, destination: Warehouse, items: list[tuple[int, int]], actor,
                      note: str = "", scope: Scope | None = None) -> Transfer:
    """Send free units (on hand minus allocated) of SKUs from `source` to `destination`: TRANSFER_OUT now,
    TRANSFER_IN when the destination receives them. items are (stock record id, units).

    Refused, with nothing written: the same location, a location of another owner, no items, zero or negative
    units, more than is free at the source, a source `scope` (the acting user's) cannot reach.
    """
    if source.pk == destination.pk:
        raise ValidationError(_("Choose two different locations: stock cannot be transferred to where it is."))
    if source.owner_key != destination.owner_key:
        raise ValidationError(_("%(destination)s belongs to another owner: stock moves only between locations of "
                                "the same owner.") % {"destination": destination})
    if not _reaches(scope, source):
        raise ValidationError(_("You cannot send stock from %(source)s.") % {"source": source})
    wanted: dict[int, int] = defaultdict(int)
    for record_id, units in items:
        if units is None or units < 1:
            raise ValidationError(_("Transfer at least one unit of each item."))
        wanted[int(record_id)] += units
    if not wanted:
        raise ValidationError(_("Choose at least one item to transfer."))
    note = (note or "").strip()
    with transaction.atomic():
        rows = stock_rows_lock(pairs={(source.pk, record_id) for record_id in wanted})
        missing = sorted(record_id for record_id in wanted if (source.pk, record_id) not in rows)
        if missing:
            skus = StockRecord.objects.filter(pk__in=missing).values_list("partner_sku", flat=True)
            raise ValidationError(_("%(source)s holds no %(skus)s.") % {"source": source, "skus": ", ".join(skus)})
        now = timezone.now()
        transfer = Transfer.objects.create(from_location=source, to_location=destination, note=note[:255],
                                           created_by=saved_user(actor),
                                           dispatched_at=now)
        reason = note or _("Transfer to %(destination)s") % {"destination": destination.code}
        stock_moves_apply(moves=[Move(stock=rows[(source.pk, record_id)], kind=MovementKind.TRANSFER_OUT,
                                      on_hand=-units, reason=reason, reference=transfer.reference)
                                 for record_id, units in sorted(wanted.items())], actor=actor, at=now)
        TransferLine.objects.bulk_create([TransferLine(transfer=transfer, stockrecord_id=record_id, quantity=units)
                                          for record_id, units in sorted(wanted.items())])
        audit_record(action="stock.transfer_dispatched", actor=actor, target=transfer,
                     changes={"from": source.code, "to": destination.code,
                              "items": {str(record_id): units for record_id, units in sorted(wanted.items())}})
    return transfer


def _transfer_lock(transfer: Transfer) -> Transfer:
    [locked] = lock_rows(Transfer.objects.filter(pk=transfer.pk).select_related("from_location", "to_location"))
    if locked.status != Transfer.Status.DISPATCHED:
        raise ValidationError(_("Transfer %(ref)s is already %(status)s: nothing changed.")
                              % {"ref": locked.reference, "status": locked.get_status_display().lower()})
    return locked


def _transfer_land(transfer: Transfer, location: Warehouse, *, actor, reason: str, at) -> None:
    lines = list(transfer.lines.order_by("stockrecord_id"))
    rows = stock_rows_lock(pairs={(location.pk, line.stockrecord_id) for line in lines}, create=True)
    stock_moves_apply(moves=[Move(stock=rows[(location.pk, line.stockrecord_id)], kind=MovementKind.TRANSFER_IN,
                                  on_hand=line.quantity, reason=reason, reference=transfer.reference)
                             for line in lines], actor=actor, at=at)


def transfer_receive(*, transfer: Transfer, actor, scope: Scope | None = None) -> Transfer:
    """The destination takes the units in: TRANSFER_IN there (its stock rows are made when missing).

    The transfer row is locked, so a second receive (a double tap, two people) is refused, not counted twice.
    """
    with transaction.atomic():
        locked = _transfer_lock(transfer)
        if not _reaches(scope, locked.to_location):
            raise ValidationError(_("Only %(destination)s can receive this transfer.")
                                  % {"destination": locked.to_location})
        now = timezone.now()
        _transfer_land(locked, locked.to_location, actor=actor, at=now,
                       reason=_("Transfer from %(source)s") % {"source": locked.from_location.code})
        locked.status = Transfer.Status.RECEIVED
        locked.received_by = saved_user(actor)
        locked.received_at = now
        locked.save(update_fields=["status", "received_by", "received_at"])
        audit_record(action="stock.transfer_received", actor=actor, target=locked,
                     changes={"from": locked.from_location.code, "to": locked.to_location.code})
    transfer.status, transfer.received_by, transfer.received_at = locked.status, locked.received_by, locked.received_at
    return locked


def transfer_cancel(*, transfer: Transfer, actor, scope: Scope | None = None) -> Transfer:
    """Call back a transfer still in transit: its units go back on hand at the source (TRANSFER_IN there)."""
    with transaction.atomic():
        locked = _transfer_lock(transfer)
        if not _reaches(scope, locked.from_location):
            raise ValidationError(_("Only %(source)s can cancel this transfer.") % {"source": locked.from_location})
        now = timezone.now()
        _transfer_land(locked, locked.from_location, actor=actor, at=now, reason=_("Transfer cancelled"))
        locked.status = Transfer.Status.CANCELLED
        locked.received_by = saved_user(actor)
        locked.received_at = now
        locked.save(update_fields=["status", "received_by", "received_at"])
        audit_record(action="stock.transfer_cancelled", actor=actor, target=locked,
                     changes={"from": locked.from_location.code, "to": locked.to_location.code})
    transfer.status = locked.status
    return locked
