"""Demo settlement: the initial commission rules, and the demo's delivered orders whose return window has passed
made available, as the nightly run would have done. Idempotent: once a run finished, the demo leaves the books
as they are."""

from settlement.models import SettlementRun
from settlement.rules import commission_rules_initial
from settlement.runs import settlement_run


def load_settlement() -> None:
    commission_rules_initial()  # migration 0002 made it; a test that flushed the database needs it back
    if SettlementRun.objects.filter(status=SettlementRun.Status.FINISHED).exists():
        return
    settlement_run()
