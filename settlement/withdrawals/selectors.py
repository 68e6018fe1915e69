"""Withdrawal queries: a party's history (scoped), the operator's list."""

from django.db.models import QuerySet

from parties.scoping import Scope, scoped
from settlement.withdrawals.models import PayoutAccount, Withdrawal


def withdrawal_list(*, scope: Scope, status: str = "", party: str = "") -> QuerySet:
    """Withdrawals the scope may see, newest first; `party` like "supplier:3" or "distributor:5" narrows."""
    rows = scoped(Withdrawal.objects.select_related("supplier", "distributor", "requested_by", "decided_by"),
                  scope=scope)
    if status in Withdrawal.Status.values:
        rows = rows.filter(status=status)
    kind, _sep, pk = party.partition(":")
    if kind in ("supplier", "distributor") and pk.isdigit():
        rows = rows.filter(**{f"{kind}_id": int(pk)})
    return rows.order_by("-requested_at", "-pk")


def party_withdrawals(*, scope: Scope, party) -> QuerySet:
    """One party's withdrawals (within the scope)."""
    field = "supplier" if party.__class__.__name__ == "Supplier" else "distributor"
    return withdrawal_list(scope=scope).filter(**{field: party})


def payout_account(*, scope: Scope, party) -> PayoutAccount | None:
    field = "supplier" if party.__class__.__name__ == "Supplier" else "distributor"
    return scoped(PayoutAccount.objects.all(), scope=scope).filter(**{field: party}).first()


def parties_with_withdrawals() -> list[tuple[str, str]]:
    """(value, label) for the operator's party filter: every party that ever asked."""
    from parties.models import Distributor, Supplier

    choices = []
    for kind, model in (("supplier", Supplier), ("distributor", Distributor)):
        ids = Withdrawal.objects.filter(**{f"{kind}__isnull": False}).values(kind).distinct()
        choices += [(f"{kind}:{party.pk}", str(party)) for party in model.objects.filter(pk__in=ids)]
    return sorted(choices, key=lambda choice: choice[1])
