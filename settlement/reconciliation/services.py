"""Reconciliation commands: import the provider's records (a report file, or Stripe's API), match them against the
ledger, resolve a mismatch with a new ledger transaction.

What is compared, per card payment (Stripe PaymentIntent id = `Payment.reference`) and per refund (Stripe refund id
= `Refund.reference`): the money (the ledger's CASH posting of kind payment/refund against the provider's gross) and
the card fee (the ledger's expected fee, its CASH posting of kind gateway_fee, against the provider's fee). Only card
payments (method "stripe") are at the provider; offline and in-shop payments are left out.

Signs. In a mismatch, amounts read as money coming in at the provider (a refund is negative) and fees as the
provider's cost (positive). A resolution moves the ledger to what the provider says: with dg the difference of
money and df the difference of fee (provider − ledger), it posts CASH −(dg − df) (CASH is debit-normal: money in
is a negative posting), GATEWAY_FEES −df, SUSPENSE +dg; the legs balance. A fee difference has dg = 0, an amount
difference df = 0, a missing item the whole of one side.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, F, Max, Min, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, saved_user
from parties.locking import lock_rows
from payments.models import Payment, Refund
from payments.money import quantize
from settlement.ledger import Leg, account_for, ledger_post
from settlement.models import Holder, Posting, PostingKind, Purpose, TransactionKind
from settlement.reconciliation.fetching import stripe_rows
from settlement.reconciliation.models import Mismatch, MismatchKind, ProviderRecord, ProviderReport, RecordType
from settlement.reconciliation.parsing import ReconciliationError, Row, report_parse

ZERO = Decimal("0.00")
CHUNK = 500
STRIPE = "stripe"

__all__ = ["ReconciliationError", "RunResult", "mismatch_resolve", "reconciliation_fetch_stripe",
           "reconciliation_import_file", "reconciliation_run"]


def _chunks(values) -> list[list]:
    values = sorted(set(values))
    return [values[index:index + CHUNK] for index in range(0, len(values), CHUNK)]


# --- import ----------------------------------------------------------------------------------------------------------


def reconciliation_import_file(*, content: bytes, file_name: str, actor) -> ProviderReport:
    """Store a settlement report file (Stripe's itemized balance change report, CSV) and match it. A malformed file
    or one imported before is refused with ReconciliationError; nothing is stored then."""
    rows = report_parse(content)
    first, last = min(row.created for row in rows), max(row.created for row in rows)
    start = datetime.combine(first.date(), time.min, tzinfo=UTC)  # whole UTC days around the records
    end = datetime.combine(last.date() + timedelta(days=1), time.min, tzinfo=UTC)
    report = _store(source=ProviderReport.Source.FILE, rows=rows, sha256=hashlib.sha256(content).hexdigest(),
                    file_name=(file_name or "")[:255], start=start, end=end, actor=actor)
    reconciliation_run(report=report, actor=actor)
    report.refresh_from_db()
    return report


def reconciliation_fetch_stripe(*, since: datetime, until: datetime, actor) -> ProviderReport:
    """Read Stripe's balance transactions created in [since, until) (STRIPE_SECRET_KEY, STRIPE_API_BASE), store them
    as a report and match it. The very same answer for the same period again is refused as already imported."""
    if not getattr(settings, "STRIPE_SECRET_KEY", ""):
        raise ReconciliationError(_("Stripe keys are not configured: import the settlement report file instead."))
    if until <= since:
        raise ReconciliationError(_("The period must end after it starts."))
    if until > timezone.now() + timedelta(days=1):
        until = timezone.now().replace(microsecond=0) + timedelta(seconds=1)
        if until <= since:
            raise ReconciliationError(_("The period starts in the future."))
    rows = stripe_rows(since=since, until=until)
    digest = hashlib.sha256(f"stripe_api|{since.isoformat()}|{until.isoformat()}".encode())
    for row in rows:
        digest.update(f"|{row.provider_id},{row.gross},{row.fee},{row.currency}".encode())
    report = _store(source=ProviderReport.Source.STRIPE_API, rows=rows, sha256=digest.hexdigest(), file_name="",
                    start=since, end=until, actor=actor)
    reconciliation_run(report=report, actor=actor)
    report.refresh_from_db()
    return report


def _store(*, source: str, rows: list[Row], sha256: str, file_name: str, start, end, actor) -> ProviderReport:
    """The report and its records not imported before; a balance transaction already stored by an earlier report is
    skipped and counted in `duplicates` (it is matched from there, never counted twice)."""
    existing = ProviderReport.objects.filter(sha256=sha256).first()
    if existing is not None:
        raise _already(existing)
    try:
        with transaction.atomic():
            report = ProviderReport.objects.create(source=source, sha256=sha256, file_name=file_name,
                                                   period_start=start, period_end=end, rows=len(rows),
                                                   created_by=saved_user(actor))
            taken: set[str] = set()
            for chunk in _chunks(row.provider_id for row in rows):
                taken.update(ProviderRecord.objects.filter(provider_id__in=chunk)
                             .values_list("provider_id", flat=True))
            new = [ProviderRecord(report=report, provider_id=row.provider_id, type=row.type,
                                  category=row.category[:64], payment_intent=row.payment_intent[:255],
                                  source_id=row.source_id[:255], gross=row.gross, fee=row.fee, net=row.net,
                                  currency=row.currency, created=row.created)
                   for row in rows if row.provider_id not in taken]
            ProviderRecord.objects.bulk_create(new, batch_size=1000)
            report.imported, report.duplicates = len(new), len(rows) - len(new)
            report.save(update_fields=["imported", "duplicates"])
            audit_record(action="reconciliation.import", actor=actor, target=report,
                         changes={"source": source, "file": file_name, "records": len(rows),
                                  "imported": len(new), "already_imported": len(rows) - len(new),
                                  "period": f"{start.isoformat()} – {end.isoformat()}"})
    except IntegrityError:  # the same report, or an overlapping one, imported at the same moment
        existing = ProviderReport.objects.filter(sha256=sha256).first()
        if existing is not None:
            raise _already(existing) from None
        raise ReconciliationError(_("Another report with some of these records was being imported at the same "
                                    "time; nothing was stored. Import this one again.")) from None
    return report


def _already(existing: ProviderReport) -> ReconciliationError:
    return ReconciliationError(_("This report was already imported as report #%(pk)s on %(when)s; nothing was "
                                 "stored.") % {"pk": existing.pk,
                                               "when": timezone.localtime(existing.created_at).strftime(
                                                   "%Y-%m-%d %H:%M")})


# --- matching --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side of a payment or refund: money in (a refund negative) and the card fee, in `currency`."""

    currency: str
    amount: Decimal
    fee: Decimal
    pk: int | None = None  # the Payment / Refund (ledger) or first ProviderRecord (provider)
    intent: str = ""


@dataclass(frozen=True)
class RunResult:
    matched: int
    found: int  # mismatches this run sees
    new: int  # of which listed for the first time
    cleared: int  # open mismatches that no longer occur (removed)


def _cash(kind: str, **match):
    return Subquery(Posting.objects.filter(account__holder=Holder.PLATFORM, account__purpose=Purpose.CASH, kind=kind,
                                           **match)
                    .values("transaction").annotate(total=Sum("amount")).values("total")[:1])


def _ledger_payments(references) -> dict[str, Side]:
    """{PaymentIntent id: the ledger's side} for card payments with a ledger transaction (all time)."""
    found: dict[str, Side] = {}
    key = Concat(Value("payment:"), Cast(OuterRef("pk"), CharField()))
    for chunk in _chunks(references):
        rows = (Payment.objects.filter(method=STRIPE, reference__in=chunk)
                .annotate(paid=_cash(PostingKind.PAYMENT, transaction__key=key),
                          fee=_cash(PostingKind.GATEWAY_FEE, transaction__key=key))
                .exclude(paid=None).values_list("pk", "reference", "currency", "paid", "fee"))
        for pk, reference, currency, paid, fee in rows:
            found[reference] = Side(currency.upper(), quantize(-paid), quantize(fee or 0), pk, reference)
    return found


def _ledger_refunds(**lookup) -> list[tuple[str, Side]]:
    """[(Stripe refund id or "", the ledger's side)] for refunds of card payments posted to the ledger."""
    rows = (Refund.objects.filter(payment__method=STRIPE, **lookup)
            .annotate(cash=_cash(PostingKind.REFUND,
                                 transaction__key=Concat(Value("refund:"), Cast(OuterRef("pk"), CharField()))))
            .exclude(cash=None).values_list("pk", "reference", "payment__reference", "payment__currency", "cash"))
    return [(reference, Side(currency.upper(), quantize(-cash), ZERO, pk, intent))
            for pk, reference, intent, currency, cash in rows]


def _provider_groups(record_type: str, keys) -> dict[str, Side]:
    """{payment intent (or charge id) / refund id: the provider's side}, summing the records of one key."""
    match = (Case(When(payment_intent="", then=F("source_id")), default=F("payment_intent"))
             if record_type == RecordType.CHARGE else
             Case(When(source_id="", then=F("provider_id")), default=F("source_id")))
    found: dict[str, Side] = {}
    for chunk in _chunks(keys):
        rows = (ProviderRecord.objects.filter(type=record_type).annotate(match=match).filter(match__in=chunk)
                .values("match").annotate(currency=Max("currency"), gross=Sum("gross"), fee=Sum("fee"),
                                          first=Min("pk"), intent=Max("payment_intent"))
                .values_list("match", "currency", "gross", "fee", "first", "intent"))
        for key, currency, gross, fee, first, intent in rows:
            found[key] = Side(currency, quantize(gross), quantize(fee), first, intent or "")
    return found


def _provider_keys(record_type: str, start, end) -> set[str]:
    records = ProviderRecord.objects.filter(type=record_type, created__gte=start, created__lt=end)
    if record_type == RecordType.CHARGE:
        return {intent or source for intent, source in records.values_list("payment_intent", "source_id")}
    return {source or ident for source, ident in records.values_list("source_id", "provider_id")}


def _mismatch(kind, subject, *, ledger: Side | None, provider: Side | None, payment_id=None, refund_id=None,
              fee_only=False) -> Mismatch:
    currency = (ledger or provider).currency
    return Mismatch(
        key=f"{kind}:{subject}", subject=subject, kind=kind, payment_id=payment_id, refund_id=refund_id,
        provider_record_id=provider.pk if provider else None, currency=currency,
        provider_currency=provider.currency if provider else "",
        ledger_amount=(ledger.fee if fee_only else ledger.amount) if ledger else None,
        provider_amount=(provider.fee if fee_only else provider.amount) if provider else None,
        ledger_fee=ledger.fee if ledger else None, provider_fee=provider.fee if provider else None)


def _compare(subject, ledger: Side, provider: Side, **link) -> list[Mismatch]:
    if ledger.currency != provider.currency or ledger.amount != provider.amount:
        found = [_mismatch(MismatchKind.AMOUNT_DIFFERS, subject, ledger=ledger, provider=provider, **link)]
        if ledger.currency != provider.currency:
            return found  # the whole of both sides: the fee goes with it
    else:
        found = []
    if ledger.fee != provider.fee:
        found.append(_mismatch(MismatchKind.FEE_DIFFERS, subject, ledger=ledger, provider=provider, fee_only=True,
                               **link))
    return found


def reconciliation_run(*, report: ProviderReport, actor=None) -> RunResult:
    """Match the ledger against the provider for the report's period. Every card payment and refund posted in the
    period, and every provider charge and refund created in it, is looked up on the other side whenever it was
    recorded there (a payment at the period's edge is not reported missing). Deterministic: a mismatch is named by
    kind and subject, so matching again lists nothing twice; an open mismatch that no longer occurs is removed."""
    start, end = report.period_start, report.period_end
    found: list[Mismatch] = []
    examined: set[str] = set()
    matched = 0
    with transaction.atomic():
        report = lock_rows(ProviderReport.objects.filter(pk=report.pk))[0]

        # card payments, by PaymentIntent id
        intents = set(Payment.objects.filter(method=STRIPE, paid_at__gte=start, paid_at__lt=end)
                      .exclude(reference="").values_list("reference", flat=True))
        intents |= _provider_keys(RecordType.CHARGE, start, end)
        ledger, provider = _ledger_payments(intents), _provider_groups(RecordType.CHARGE, intents)
        for intent in sorted(intents):
            mine, theirs = ledger.get(intent), provider.get(intent)
            examined.add(f"charge:{intent}")
            if mine is not None:
                examined.add(f"payment:{mine.pk}")
            if mine and theirs:
                differences = _compare(f"payment:{mine.pk}", mine, theirs, payment_id=mine.pk)
                found += differences
                matched += not differences
            elif mine:
                found.append(_mismatch(MismatchKind.MISSING_AT_PROVIDER, f"payment:{mine.pk}", ledger=mine,
                                       provider=None, payment_id=mine.pk))
            elif theirs:
                found.append(_mismatch(MismatchKind.MISSING_IN_LEDGER, f"charge:{intent}", ledger=None,
                                       provider=theirs))

        # refunds, by Stripe refund id; a refund we hold without an id is paired by payment and amount
        in_period = _ledger_refunds(status=Refund.Status.SUCCEEDED, created_at__gte=start, created_at__lt=end)
        keys = {reference for reference, _side in in_period if reference} | _provider_keys(RecordType.REFUND,
                                                                                          start, end)
        ledger_refunds: dict[str, Side] = {}
        for chunk in _chunks(keys):
            ledger_refunds.update(_ledger_refunds(reference__in=chunk))
        provider = _provider_groups(RecordType.REFUND, keys)
        unmatched = {key: side for key, side in provider.items() if key not in ledger_refunds}
        for key in sorted(keys):
            mine, theirs = ledger_refunds.get(key), provider.get(key)
            examined.add(f"provider-refund:{key}")
            if mine is not None:
                examined.add(f"refund:{mine.pk}")
            if mine and theirs:
                differences = _compare(f"refund:{mine.pk}", mine, theirs, refund_id=mine.pk)
                found += differences
                matched += not differences
            elif mine:
                found.append(_mismatch(MismatchKind.MISSING_AT_PROVIDER, f"refund:{mine.pk}", ledger=mine,
                                       provider=None, refund_id=mine.pk))
        for _blank, mine in sorted((item for item in in_period if not item[0]), key=lambda item: item[1].pk):
            examined.add(f"refund:{mine.pk}")
            pair = next((key for key, side in sorted(unmatched.items())
                         if side.intent == mine.intent and side.amount == mine.amount
                         and side.currency == mine.currency), None)
            if pair is None:
                found.append(_mismatch(MismatchKind.MISSING_AT_PROVIDER, f"refund:{mine.pk}", ledger=mine,
                                       provider=None, refund_id=mine.pk))
                continue
            theirs = unmatched.pop(pair)
            examined.add(f"provider-refund:{pair}")
            differences = _compare(f"refund:{mine.pk}", mine, theirs, refund_id=mine.pk)
            found += differences
            matched += not differences
        for key, theirs in sorted(unmatched.items()):
            found.append(_mismatch(MismatchKind.MISSING_IN_LEDGER, f"provider-refund:{key}", ledger=None,
                                   provider=theirs))

        result = _save_mismatches(report, found, examined, matched)
        report.matched, report.last_run_at = matched, timezone.now()
        report.save(update_fields=["matched", "last_run_at"])
        audit_record(action="reconciliation.run", actor=actor, target=report,
                     changes={"matched": matched, "mismatches": result.found, "new": result.new,
                              "cleared": result.cleared})
    return result


def _save_mismatches(report, found: list[Mismatch], examined: set[str], matched: int) -> RunResult:
    keys = {mismatch.key for mismatch in found}
    known: set[str] = set()
    for chunk in _chunks(keys):
        known.update(Mismatch.objects.filter(key__in=chunk).values_list("key", flat=True))
    new = [mismatch for mismatch in found if mismatch.key not in known]
    for mismatch in new:
        mismatch.report = report
    Mismatch.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    stale = []
    for chunk in _chunks(examined):
        stale += [pk for pk, key in Mismatch.objects.filter(resolved_at=None, subject__in=chunk)
                  .values_list("pk", "key") if key not in keys]
    if stale:
        Mismatch.objects.filter(pk__in=stale, resolved_at=None).delete()
    return RunResult(matched=matched, found=len(found), new=len(new), cleared=len(stale))


# --- resolution ------------------------------------------------------------------------------------------------------


def _legs(currency: str, money: Decimal, fee: Decimal) -> list[Leg]:
    """Move the ledger by `money` more received and `fee` more kept by the provider (see the module's note)."""
    def account(purpose):
        return account_for(party=None, purpose=purpose, currency=currency)

    return [Leg(account(Purpose.CASH), -(money - fee), PostingKind.ADJUSTMENT),
            Leg(account(Purpose.GATEWAY_FEES), -fee, PostingKind.ADJUSTMENT),
            Leg(account(Purpose.SUSPENSE), money, PostingKind.ADJUSTMENT)]


def resolution_legs(mismatch: Mismatch) -> list[Leg]:
    """The postings that bring the ledger to what the provider says for this mismatch."""
    ledger_amount, provider_amount = mismatch.ledger_amount or ZERO, mismatch.provider_amount or ZERO
    ledger_fee, provider_fee = mismatch.ledger_fee or ZERO, mismatch.provider_fee or ZERO
    provider_currency = mismatch.provider_currency or mismatch.currency
    if mismatch.kind == MismatchKind.FEE_DIFFERS:
        return _legs(mismatch.currency, ZERO, provider_amount - ledger_amount)
    if mismatch.kind == MismatchKind.MISSING_IN_LEDGER:
        return _legs(provider_currency, provider_amount, provider_fee)
    if mismatch.kind == MismatchKind.MISSING_AT_PROVIDER:
        return _legs(mismatch.currency, -ledger_amount, -ledger_fee)
    if provider_currency != mismatch.currency:  # amount differs in another currency: replace the whole
        return (_legs(provider_currency, provider_amount, provider_fee)
                + _legs(mismatch.currency, -ledger_amount, -ledger_fee))
    return _legs(mismatch.currency, provider_amount - ledger_amount, ZERO)


def mismatch_resolve(*, mismatch: Mismatch, note: str, actor) -> Mismatch:
    """Close a mismatch with the operator's note, posting `reconcile:<pk>` (a new transaction; postings are never
    edited). Resolving again is refused; the ledger key makes a race post once."""
    note = (note or "").strip()
    if not note:
        raise ReconciliationError(_("Write a note saying why the difference is accepted or what was done."))
    with transaction.atomic():
        locked = lock_rows(Mismatch.objects.filter(pk=mismatch.pk))
        if not locked:
            raise ReconciliationError(_("This mismatch no longer exists: matching again found it resolved."))
        mismatch = locked[0]
        if mismatch.resolved_at is not None:
            who = mismatch.resolved_by.get_username() if mismatch.resolved_by_id else _("someone")
            raise ReconciliationError(_("This mismatch was already resolved by %(who)s on %(when)s.")
                                      % {"who": who, "when": timezone.localtime(mismatch.resolved_at)
                                         .strftime("%Y-%m-%d %H:%M")})
        posted, _created = ledger_post(key=f"reconcile:{mismatch.pk}", kind=TransactionKind.ADJUSTMENT,
                                       legs=resolution_legs(mismatch),
                                       memo=f"{mismatch.get_kind_display()} · {mismatch.subject} · {note}")
        mismatch.note, mismatch.resolution = note, posted
        mismatch.resolved_by, mismatch.resolved_at = saved_user(actor), timezone.now()
        mismatch.save(update_fields=["note", "resolution", "resolved_by", "resolved_at"])
        audit_record(action="reconciliation.resolve", actor=actor, target=mismatch,
                     changes={"kind": mismatch.kind, "subject": mismatch.subject, "note": note,
                              "transaction": posted.key, "report": mismatch.report_id})
    return mismatch

