"""Wagtail's scheduled publishing as a task for the periodic runner (marketplace/rq_cron.py)."""

from django_tasks import task


@task()
def publish_scheduled() -> int:
    """Publish pages and snippets whose go-live time has come, unpublish expired ones (wagtail's command)."""
    from django.core.management import call_command

    call_command("publish_scheduled")
    return 0
