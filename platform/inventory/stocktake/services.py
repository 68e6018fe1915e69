"""Stocktake commands: start a count of one location, enter counts (several people, adding up), correct a line,
approve (post the adjustments) or cancel.

Check → change → audit in one transaction. Every command on a count first locks its `Stocktake` row, so
entries, corrections, approval and cancelling of one count queue behind each other: nothing is added to a
count once it is approved. Units move only through `inventory.services` (`stock_rows_lock` +
`stock_moves_apply`): approving a count of 5,000 lines is one lock query, one bulk insert of movements and the
bulk updates `stock_moves_apply` makes.

Sales during the count: a line's expected units are taken when the count starts; the variance is worked out
against the units on hand when it is approved (expected + every movement since the start), so units sold,
shipped or received while people count are not mistaken for a difference.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, saved_user
from inventory.services import stock_levels_set, stock_rows_lock
from inventory.stocktake.models import Stocktake, StocktakeEntry, StocktakeLine
from notifications.audiences import Audience
from notifications.services import event_emit
from parties.locking import lock_rows
from parties.models import LEADING_ROLES, Membership, Warehouse
from supplier.models import WarehouseStock

REASON = "Stocktake"  # the ledger's reason for a count's adjustments (stored data, not shown translated)
NAMED_AT_MOST = 10  # how many SKUs a refusal names before "and N more"

__all__ = ["may_count", "may_approve", "stocktake_start", "stocktake_count_add", "stocktake_count_set",
           "stocktake_approve", "stocktake_cancel", "CountResult"]


@dataclass
class CountResult:
    """What one entry did: the SKU it was booked on, the units entered and the line's count now."""

    sku: str
    quantity: int
    counted: int


# --- who may -------------------------------------------------------------------------------------------------

def _holders(location: Warehouse) -> Q:
    """Memberships that speak for the location: its supplier, or its store and the store's owner."""
    if location.supplier_id is not None:
        return Q(supplier_id=location.supplier_id)
    store = location.store
    owner = Q(distributor_id=store.distributor_id) if store.distributor_id else Q(supplier_id=store.supplier_id)
    return Q(store_id=store.pk) | owner


def _is_member(actor, location: Warehouse, roles=None) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_staff:
        return True
    memberships = Membership.objects.filter(_holders(location), user=actor)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.exists()


def may_count(*, actor, location: Warehouse) -> bool:
    """Anybody working for the location's supplier or store (or its owner), and the operator."""
    return _is_member(actor, location)


def may_approve(*, actor, location: Warehouse) -> bool:
    """An owner or manager of the location's supplier, store or the store's owner; or the operator."""
    return _is_member(actor, location, roles=LEADING_ROLES)


# --- helpers -------------------------------------------------------------------------------------------------

def _named(codes: Iterable[str]) -> str:
    codes = sorted(codes)
    shown = ", ".join(codes[:NAMED_AT_MOST])
    if len(codes) > NAMED_AT_MOST:
        shown += " " + _("and %(count)d more") % {"count": len(codes) - NAMED_AT_MOST}
    return shown


def _lock(stocktake: Stocktake) -> Stocktake:
    rows = lock_rows(Stocktake.objects.filter(pk=stocktake.pk).select_related("location", "location__store"))
    if not rows:
        raise ValidationError(_("This count no longer exists."))
    return rows[0]


def _refuse_unless_open(stocktake: Stocktake) -> None:
    if stocktake.status == Stocktake.Status.APPROVED:
        raise ValidationError(_("Count %(code)s was already approved; start a new count.") % {"code": stocktake.code})
    if stocktake.status == Stocktake.Status.CANCELLED:
        raise ValidationError(_("Count %(code)s was cancelled; start a new count.") % {"code": stocktake.code})


def _variants(code: str) -> set[str]:
    """A scanned or typed code as entered and in capitals (SKUs are usually written in capitals)."""
    return {code, code.upper()}


def _lines_for(stocktake: Stocktake, codes: set[str]) -> dict[str, StocktakeLine]:
    """{code as entered: its line} for the codes that name a SKU (partner SKU or product barcode) of the count;
    refuses, naming them, codes that are not in the count."""
    wanted = set().union(*(_variants(code) for code in codes))
    lines = (StocktakeLine.objects.filter(stocktake=stocktake)
             .filter(Q(stock__stockrecord__partner_sku__in=wanted) | Q(stock__stockrecord__product__upc__in=wanted))
             .select_related("stock__stockrecord__product"))
    by_code: dict[str, StocktakeLine] = {}
    for line in lines:
        record = line.stock.stockrecord
        by_code.setdefault(record.partner_sku, line)
        if record.product.upc:
            by_code.setdefault(record.product.upc, line)
    found, missing = {}, set()
    for code in codes:
        line = next((by_code[variant] for variant in (code, code.upper()) if variant in by_code), None)
        if line is None:
            missing.add(code)
        else:
            found[code] = line
    if missing:
        stocked = set(WarehouseStock.objects.filter(warehouse_id=stocktake.location_id).filter(
            Q(stockrecord__partner_sku__in=set().union(*(_variants(code) for code in missing)))
            | Q(stockrecord__product__upc__in=set().union(*(_variants(code) for code in missing))))
            .values_list("stockrecord__partner_sku", "stockrecord__product__upc"))
        known = {value for pair in stocked for value in pair if value}
        outside = {code for code in missing if _variants(code) & known}
        problems = []
        if missing - outside:
            problems.append(_("Unknown SKU or barcode at %(location)s: %(codes)s.")
                            % {"location": stocktake.location, "codes": _named(missing - outside)})
        if outside:
            problems.append(_("Not part of count %(code)s: %(codes)s.")
                            % {"code": stocktake.code, "codes": _named(outside)})
        raise ValidationError(" ".join(problems))
    return found


def _check_quantities(items: list[tuple[str, int]]) -> None:
    if not items:
        raise ValidationError(_("Enter a SKU or barcode and the units you counted."))
    blank = [code for code, _quantity in items if not (code or "").strip()]
    if blank:
        raise ValidationError(_("Enter a SKU or barcode for every count."))
    negative = [f"{code} {quantity}" for code, quantity in items if quantity is None or quantity < 0]
    if negative:
        raise ValidationError(_("A count cannot be negative: %(items)s.") % {"items": _named(negative)})


# --- commands ------------------------------------------------------------------------------------------------

def stocktake_start(*, location: Warehouse, actor, skus: Iterable[str] = (), bin_prefix: str = "") -> Stocktake:
    """Start counting `location`: every SKU stocked there, or those of `skus` (SKU or barcode) and/or whose bin
    starts with `bin_prefix`. Each line remembers the units on hand now."""
    codes = {code.strip() for code in skus if code and code.strip()}
    bin_prefix = (bin_prefix or "").strip()
    if not may_count(actor=actor, location=location):
        raise ValidationError(_("Only people working for %(location)s can count its stock.") % {"location": location})
    with transaction.atomic():
        rows = WarehouseStock.objects.filter(warehouse=location)
        if codes:
            wanted = set().union(*(_variants(code) for code in codes))
            rows = rows.filter(Q(stockrecord__partner_sku__in=wanted) | Q(stockrecord__product__upc__in=wanted))
            found = set(rows.values_list("stockrecord__partner_sku", "stockrecord__product__upc"))
            known = {value for pair in found for value in pair if value}
            unknown = {code for code in codes if not _variants(code) & known}
            if unknown:
                raise ValidationError(_("Unknown SKU or barcode at %(location)s: %(codes)s.")
                                      % {"location": location, "codes": _named(unknown)})
        if bin_prefix:
            rows = rows.filter(bin__istartswith=bin_prefix)
        record_ids = set(rows.values_list("stockrecord_id", flat=True))
        if not record_ids:
            raise ValidationError(_("Nothing to count: no SKU at %(location)s matches.") % {"location": location})
        locked = stock_rows_lock(pairs={(location.pk, record_id) for record_id in record_ids})
        busy = (StocktakeLine.objects.filter(stocktake__location=location, stocktake__status=Stocktake.Status.COUNTING,
                                             stock__stockrecord_id__in=sorted(record_ids))
                .values_list("stock__stockrecord__partner_sku", "stocktake_id"))
        busy = list(busy)
        if busy:
            raise ValidationError(
                _("Already being counted in %(counts)s: %(codes)s. Finish or cancel that count first.")
                % {"counts": ", ".join(sorted({Stocktake(pk=pk).code for _sku, pk in busy})),
                   "codes": _named({sku for sku, _pk in busy})})
        stocktake = Stocktake.objects.create(
            location=location, started_by=saved_user(actor), started_at=timezone.now(),
            description=_describe(codes, bin_prefix, len(locked)))
        StocktakeLine.objects.bulk_create(
            [StocktakeLine(stocktake=stocktake, stock=row, expected=row.on_hand)
             for _pair, row in sorted(locked.items())], batch_size=1000)
        audit_record(action="stocktake.start", actor=actor, target=stocktake,
                     changes={"location": location.code, "lines": len(locked), "skus": sorted(codes),
                              "bin_prefix": bin_prefix})
    return stocktake


def _describe(codes: set[str], bin_prefix: str, lines: int) -> str:
    parts = []
    if codes:
        parts.append(_("chosen SKUs"))
    if bin_prefix:
        parts.append(_("bins %(prefix)s…") % {"prefix": bin_prefix})
    what = ", ".join(parts) if parts else _("all SKUs")
    return _("%(what)s (%(lines)d lines)") % {"what": what, "lines": lines}


def stocktake_count_add(*, stocktake: Stocktake, items: list[tuple[str, int]], actor) -> list[CountResult]:
    """Add counted units: items are (SKU or barcode, units). Entries add up per line (two people counting two
    shelves of the same SKU), also within one call. All or nothing."""
    return _enter(stocktake=stocktake, items=items, actor=actor, kind=StocktakeEntry.Kind.ADD)


def stocktake_count_set(*, stocktake: Stocktake, code: str, quantity: int, actor) -> CountResult:
    """Correct a line: its count becomes `quantity`, whatever was entered before."""
    return _enter(stocktake=stocktake, items=[(code, quantity)], actor=actor, kind=StocktakeEntry.Kind.SET)[0]


def _enter(*, stocktake: Stocktake, items: list[tuple[str, int]], actor, kind: str) -> list[CountResult]:
    items = [((code or "").strip(), quantity) for code, quantity in items]
    _check_quantities(items)
    with transaction.atomic():
        current = _lock(stocktake)
        _refuse_unless_open(current)
        if not may_count(actor=actor, location=current.location):
            raise ValidationError(_("Only people working for %(location)s can count its stock.")
                                  % {"location": current.location})
        lines = _lines_for(current, {code for code, _quantity in items})
        now = timezone.now()
        entries, results = [], []
        for code, quantity in items:
            line = lines[code]
            line.counted = quantity if kind == StocktakeEntry.Kind.SET else (line.counted or 0) + quantity
            entries.append(StocktakeEntry(line=line, kind=kind, quantity=quantity, at=now,
                                          counted_by=saved_user(actor)))
            results.append(CountResult(sku=line.stock.stockrecord.partner_sku, quantity=quantity, counted=0))
        changed = {line.pk: line for line in lines.values()}
        StocktakeLine.objects.bulk_update(list(changed.values()), ["counted"], batch_size=500)
        StocktakeEntry.objects.bulk_create(entries, batch_size=1000)
        for result, (code, _quantity) in zip(results, items, strict=True):
            result.counted = lines[code].counted
        audit_record(action="stocktake.correct" if kind == StocktakeEntry.Kind.SET else "stocktake.count",
                     actor=actor, target=current,
                     changes={"entries": [[result.sku, result.quantity] for result in results[:100]],
                              "count": len(results)})
    return results


def stocktake_approve(*, stocktake: Stocktake, actor, uncounted_zero: bool = False) -> Stocktake:
    """Post the count: one adjustment per line whose count differs from the units on hand now. Lines nobody
    counted are left out, unless `uncounted_zero` (then they are set to 0)."""
    with transaction.atomic():
        current = _lock(stocktake)
        _refuse_unless_open(current)
        if not may_approve(actor=actor, location=current.location):
            raise ValidationError(_("Only an owner or manager can approve a count."))
        counts = dict(StocktakeLine.objects.filter(stocktake=current)
                      .values_list("stock__stockrecord_id", "counted"))
        if uncounted_zero:
            counts = {record_id: counted or 0 for record_id, counted in counts.items()}
        else:
            counts = {record_id: counted for record_id, counted in counts.items() if counted is not None}
        if not counts:
            raise ValidationError(_("Nothing was counted yet: enter counts, or tick “uncounted means zero”."))
        now = timezone.now()
        movements = stock_levels_set(location=current.location, levels=counts, actor=actor, reason=REASON,
                                     reference=current.code, at=now)
        current.status = Stocktake.Status.APPROVED
        current.approved_by = saved_user(actor)
        current.approved_at = now
        current.uncounted_zero = uncounted_zero
        current.save(update_fields=["status", "approved_by", "approved_at", "uncounted_zero"])
        audit_record(action="stocktake.approve", actor=actor, target=current,
                     changes={"status": [Stocktake.Status.COUNTING, current.status], "lines": len(counts),
                              "adjusted": len(movements),
                              "units": sum(movement.on_hand_delta for movement in movements),
                              "uncounted_zero": uncounted_zero})
        location = current.location
        event_emit(kind="stocktake.approved", audiences=[Audience.of_location(location)], params={
            "stocktake": current.pk, "location": location.display_name, "lines": len(movements)})
    return current


def stocktake_cancel(*, stocktake: Stocktake, actor) -> Stocktake:
    """Drop a count without touching stock: an owner or manager, or whoever started it."""
    with transaction.atomic():
        current = _lock(stocktake)
        _refuse_unless_open(current)
        started_it = getattr(actor, "pk", None) is not None and current.started_by_id == actor.pk
        if not (may_approve(actor=actor, location=current.location)
                or (started_it and may_count(actor=actor, location=current.location))):
            raise ValidationError(_("Only an owner or manager, or whoever started it, can cancel a count."))
        current.status = Stocktake.Status.CANCELLED
        current.cancelled_by = saved_user(actor)
        current.cancelled_at = timezone.now()
        current.save(update_fields=["status", "cancelled_by", "cancelled_at"])
        audit_record(action="stocktake.cancel", actor=actor, target=current,
                     changes={"status": [Stocktake.Status.COUNTING, current.status]})
    return current
