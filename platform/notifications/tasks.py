"""Outbox delivery as a django-tasks task: in-process on commit by default, on an RQ worker in production."""

from django_tasks import task


@task()
def deliver_outbox() -> int:
    from notifications.services import outbox_dispatch

    return len(outbox_dispatch().sent)
