"""Announcements whose start has come: their live notification goes out (PLACEHOLDER until the helper fills it)."""

from django_tasks import task


@task()
def announcements_due() -> int:
    """Send the notification of every published announcement whose start has passed and was not yet told."""
    return 0
