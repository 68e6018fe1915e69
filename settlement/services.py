"""Ledger commands called by the services that move money: a payment received, a refund made, goods delivered.

Each runs inside its caller's transaction (the payment, refund or delivery and its postings commit together) and
is keyed by its cause, so calling it again posts nothing new.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from parties.locking import lock_rows
from payments.models import Payment, Refund
from points.selectors import refund_restore
from settlement.ledger import Leg, account_for, ledger_post
from settlement.models import (
    LedgerTransaction,
    Maturity,
    Posting,
    PostingKind,
    Purpose,
    TransactionKind,
)
from settlement.split import OrderSplit, cents, maturity_redate

ZERO = Decimal("0.00")


def payment_key(payment: Payment) -> str:
    return f"payment:{payment.pk}"


def ledger_payment_record(*, payment: Payment) -> LedgerTransaction:
    """The money of a received payment, split into everyone's pending share (see settlement.split)."""
    with transaction.atomic():
        existing = LedgerTransaction.objects.filter(key=payment_key(payment)).first()
        if existing is not None:
            return existing
        legs = OrderSplit(payment=payment).legs()
        posted, _ = ledger_post(key=payment_key(payment), kind=TransactionKind.PAYMENT, legs=legs,
                                order=payment.order, at=payment.paid_at,
                                memo=f"{payment.order.number} · {payment.method}")
    return posted


def refund_scope_lines(refund: Refund) -> list[int] | None:
    """The order lines a refund was made for (a return, a cancelled shipment); None: the whole order."""
    from storefront.models import FulfilmentLine
    from storefront.returns.models import ReturnLine

    kind, _, ident = refund.key.rpartition("-")
    if not ident.isdigit():
        return None
    if kind == "return":
        return list(ReturnLine.objects.filter(request_id=int(ident)).values_list("line_id", flat=True))
    if kind == "group-cancel":
        return list(FulfilmentLine.objects.filter(group_id=int(ident)).values_list("line_id", flat=True))
    return None


def ledger_refund_record(*, refund: Refund) -> LedgerTransaction | None:
    """Money given back: the payment's postings reversed in proportion, within the refunded lines when the refund
    names them (a return, a cancelled shipment), else across the whole order. The last refund of a payment
    reverses exactly what is left, so a fully refunded order nets to zero for everyone. A reversal of money
    already made available comes out of the available balance (which may go negative and is recovered from
    later earnings); the card fee is not given back by the provider and stays where it was borne. When points
    paid part of the order, the refund also reverses the platform's points cost in proportion (the shopper gets
    those points back), and the sellers' shares by money and points together."""
    key = f"refund:{refund.pk}"
    with transaction.atomic():
        existing = LedgerTransaction.objects.filter(key=key).first()
        if existing is not None:
            return existing
        payment = refund.payment
        paid = LedgerTransaction.objects.filter(key=payment_key(payment)).first()
        if paid is None:  # a payment from before the ledger: nothing to reverse
            return None
        order = payment.order
        maturities = {m.pk: m for m in lock_rows(Maturity.objects.filter(order=order))}
        originals = list(Posting.objects.filter(order=order, reverses=None)
                         .filter(Q(transaction=paid) | Q(transaction__refund__payment=payment))
                         .exclude(kind__in=(PostingKind.PAYMENT, PostingKind.GATEWAY_FEE, PostingKind.REFUND,
                                            PostingKind.POINTS))
                         .select_related("account__supplier", "account__distributor").order_by("pk"))
        reversed_so_far = dict(Posting.objects.filter(reverses__in=originals).values("reverses")
                               .annotate(total=Sum("amount")).values_list("reverses", "total"))
        remaining = {p.pk: cents(p.amount + (reversed_so_far.get(p.pk) or ZERO)) for p in originals}
        # Points paid part of the order: the refund gives back their share too (points.selectors.refund_restore),
        # so the sellers' shares are reversed by the money plus the points' value, and the platform's points cost
        # by the latter.
        points_leg = Posting.objects.filter(transaction=paid, kind=PostingKind.POINTS).first()
        points_back = refund_restore(refund=refund).value if points_leg is not None else ZERO
        amount = refund.amount + points_back
        refunded_total = payment.amount_refunded
        scope = refund_scope_lines(refund)
        whole = [p for p in originals if remaining[p.pk]]
        chosen = [p for p in whole if scope is not None and p.line_id in scope]
        value = sum((remaining[p.pk] for p in chosen), ZERO)
        if chosen and amount > value:  # the store's delivery charge went back with its last goods
            parts = {p.maturity_id for p in chosen}
            chosen += [p for p in whole if p.line_id is None and p.maturity_id in parts]
            value = sum((remaining[p.pk] for p in chosen), ZERO)
        if scope is None or refunded_total >= payment.amount or amount >= value or not chosen:
            chosen = whole
            value = sum((remaining[p.pk] for p in chosen), ZERO)
        exact = refunded_total >= payment.amount or amount >= value
        legs = [Leg(account_for(party=None, purpose=Purpose.CASH, currency=payment.currency), refund.amount,
                    PostingKind.REFUND, order.pk)]
        if points_back:
            legs.append(Leg(points_leg.account, points_back, PostingKind.REVERSAL, order.pk, None, None,
                            points_leg.pk))
        for posting in chosen:
            part = remaining[posting.pk] if exact else cents(remaining[posting.pk] * amount / value)
            account, maturity_id = posting.account, posting.maturity_id
            if maturity_id is not None and maturities[maturity_id].settled_run_id is not None:
                account = account_for(party=account.party, purpose=Purpose.AVAILABLE, currency=account.currency)
                maturity_id = None
            legs.append(Leg(account, -part, PostingKind.REVERSAL, order.pk, posting.line_id, maturity_id,
                            posting.pk))
        residual = -sum((leg.amount for leg in legs), ZERO)
        if residual:
            legs.append(Leg(account_for(party=None, purpose=Purpose.ROUNDING, currency=payment.currency), residual,
                            PostingKind.ROUNDING, order.pk))
        posted, _ = ledger_post(key=key, kind=TransactionKind.REFUND, legs=legs, order=order, refund=refund,
                                memo=f"{order.number} · {refund.key}")
    return posted


def maturity_refresh(*, order) -> None:
    """Goods of `order` were delivered or cancelled: each unsettled store part gets its maturity date again."""
    with transaction.atomic():
        maturities = lock_rows(Maturity.objects.filter(order=order, settled_run=None).select_related("store"))
        paid_at = (Payment.objects.filter(order=order, status__in=Payment.RECEIVED, duplicate=False)
                   .values_list("paid_at", flat=True).first()) if maturities else None
        for maturity in maturities:
            maturity_redate(maturity=maturity, order=order, store=maturity.store, paid_at=paid_at)
