"""Settlement as a django-tasks task: enqueued by the operator's button (on commit) and daily by RQ's cron
(marketplace.rq_cron). It commits chunk by chunk, so it runs outside any transaction."""

from django_tasks import task


@task()
def run_settlement(cutoff: str | None = None, actor_id: int | None = None) -> dict:
    """Run (or resume) settlement up to `cutoff` (ISO date-time; default now). Another run going: refused."""
    from django.contrib.auth import get_user_model
    from django.utils.dateparse import parse_datetime

    from settlement.runs import SettlementBusy, settlement_run

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        run = settlement_run(cutoff=parse_datetime(cutoff) if cutoff else None, actor=actor)
    except SettlementBusy as error:
        return {"busy": True, "message": str(error)}
    return {"busy": False, "run": run.pk, "maturities": run.maturities, "amount": str(run.amount)}
