"""Isolation entries of reconciliation (issue 8): operator-only back-office URLs that take an id.

Merge into tests/isolation.py: `OPERATOR_TARGETS.update(ENTRIES)` (same shape: URL name → kwargs maker).
"""

from collections.abc import Callable


def _report():
    """A reconciliation report (written directly: the sweep only needs the row)."""
    from django.utils import timezone

    from settlement.reconciliation.models import ProviderReport

    now = timezone.now()
    return ProviderReport.objects.get_or_create(
        sha256="isolation-sweep", defaults={"source": ProviderReport.Source.FILE, "file_name": "sweep.csv",
                                            "period_start": now - timezone.timedelta(days=1), "period_end": now})[0]


def _mismatch():
    """An open mismatch of that report: a provider refund the ledger does not hold."""
    from decimal import Decimal

    from settlement.reconciliation.models import Mismatch, MismatchKind

    return Mismatch.objects.get_or_create(
        key="missing_in_ledger:provider-refund:re_isolation_sweep",
        defaults={"report": _report(), "subject": "provider-refund:re_isolation_sweep",
                  "kind": MismatchKind.MISSING_IN_LEDGER, "currency": "CNY", "provider_currency": "CNY",
                  "provider_amount": Decimal("-1.00"), "provider_fee": Decimal("0.00")})[0]


ENTRIES: dict[str, Callable[[], dict]] = {
    "dashboard:mp-reconciliation-detail": lambda: {"pk": _report().pk},
    "dashboard:mp-reconciliation-run": lambda: {"pk": _report().pk},
    "dashboard:mp-reconciliation-resolve": lambda: {"pk": _mismatch().pk},
}
