"""Webhook sending as a django-tasks task: enqueued on commit of the change (in-process by default, an RQ worker in
production) and every minute by `marketplace.rq_cron` for the retries that come due."""

from django_tasks import task


@task()
def deliver_webhooks() -> int:
    from webhooks.dispatch import webhooks_deliver

    return len(webhooks_deliver().succeeded)
