"""Periodic jobs, for RQ's cron scheduler: `manage.py rqcron marketplace.rq_cron` (needs TASKS_BACKEND=rq).

The outbox safety net: every OUTBOX_INTERVAL seconds the django-tasks task `notifications.tasks.deliver_outbox`
is put on the `default` queue, behind the enqueue on commit and the deferred retries. It delivers what those
missed: rows whose enqueue was lost (Redis down at commit time, a worker killed in the middle of a run) once
they are due. Runs on a worker started with `--job-class django_tasks_rq.Job` (see README, "Production processes").

The job names the task by its import path, exactly as `django_tasks_rq.RQBackend.enqueue` does: the worker
imports `notifications.tasks.deliver_outbox` (the Task) and runs it through django-tasks.
"""

from rq import cron

from notifications.tasks import deliver_outbox
from settlement.tasks import run_settlement

OUTBOX_INTERVAL = 30  # seconds

cron.register(
    deliver_outbox.func,  # its import path is the task's module path; RQ only stores that path
    deliver_outbox.queue_name,
    interval=OUTBOX_INTERVAL,
    meta={"backend_name": deliver_outbox.backend},  # what django_tasks_rq.Job reads to rebuild the task
    ttl=2 * OUTBOX_INTERVAL,  # with every worker down, runs do not pile up: the next one does the same work
    job_timeout=120,
    name="outbox-safety-net",
)

# The nightly settlement run: pending funds past their return window become available. A run still going (or a
# killed one) is resumed by the next; one refused because another holds the lock simply returns.
SETTLEMENT_INTERVAL = 86400  # seconds

cron.register(
    run_settlement.func,
    run_settlement.queue_name,
    interval=SETTLEMENT_INTERVAL,
    meta={"backend_name": run_settlement.backend},
    ttl=SETTLEMENT_INTERVAL // 2,
    job_timeout=6 * 3600,
    name="settlement-daily",
)

# Wagtail's scheduled publishing (pages and snippets whose go-live or expiry time has come) and announcements whose
# start has come (their live notification), every minute.
from announcements.tasks import announcements_due  # noqa: E402
from cms.tasks import publish_scheduled  # noqa: E402

MINUTE = 60

for minute_task, job_name in ((publish_scheduled, "cms-publish-scheduled"),
                              (announcements_due, "announcements-due")):
    cron.register(
        minute_task.func,
        minute_task.queue_name,
        interval=MINUTE,
        meta={"backend_name": minute_task.backend},
        ttl=2 * MINUTE,
        job_timeout=120,
        name=job_name,
    )

# Webhook deliveries whose back-off has passed (1 min to 12 h after a failed attempt) are sent every minute; new ones
# go out on commit of their change.
from webhooks.tasks import deliver_webhooks  # noqa: E402

cron.register(
    deliver_webhooks.func,
    deliver_webhooks.queue_name,
    interval=MINUTE,
    meta={"backend_name": deliver_webhooks.backend},
    ttl=2 * MINUTE,
    job_timeout=600,
    name="webhooks-retry",
)
