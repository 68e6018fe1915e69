"""Isolation-sweep entries of the withdrawal pages (merged by the lead into tests/isolation.py).

The portal page (`supplier:withdrawal-list`, `distributor:withdrawal-list`) takes no id: a party only ever sees
its own withdrawals there (scoped by the acting membership). Every back-office withdrawal URL takes one:
`OPERATOR_ENTRIES` is in the shape of `OPERATOR_TARGETS` (url name → callable giving the URL kwargs) and
`ENTRIES` the same as a list of (name, callable) pairs, for `OPERATOR_TARGETS.update(ENTRIES)`.
"""

from decimal import Decimal


def _foreign_withdrawal() -> dict:
    """A requested withdrawal of Harbor Goods (a party none of the sweep's users belongs to), made here when none."""
    import uuid

    from django.contrib.auth import get_user_model

    from parties.models import Distributor
    from settlement.ledger import Leg, account_for, ledger_post
    from settlement.models import PostingKind, Purpose, TransactionKind
    from settlement.withdrawals.models import Withdrawal
    from settlement.withdrawals.services import withdrawal_request

    party = Distributor.objects.get(slug="harbor-goods")
    existing = Withdrawal.objects.filter(distributor=party, status="requested").order_by("pk").first()
    if existing is None:
        amount = Decimal("150.00")
        ledger_post(key=f"isolation-fund:{uuid.uuid4().hex}", kind=TransactionKind.ADJUSTMENT, legs=[
            Leg(account_for(party=party, purpose=Purpose.AVAILABLE, currency="CNY"), amount, PostingKind.ADJUSTMENT),
            Leg(account_for(party=None, purpose=Purpose.SUSPENSE, currency="CNY"), -amount, PostingKind.ADJUSTMENT)])
        existing = withdrawal_request(party=party, amount=amount, currency="CNY",
                                      actor=get_user_model().objects.get(email="harbor@demo.test"))
    return {"pk": existing.pk}


ENTRIES = [
    (f"dashboard:mp-withdrawal-{name}", _foreign_withdrawal)
    for name in ("detail", "approve", "reject", "mark-paid", "mark-failed", "transfer")
]
OPERATOR_ENTRIES = dict(ENTRIES)
