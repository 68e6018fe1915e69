"""Announcements whose start has come: their live notification goes out (run every minute from rq_cron)."""

from django.utils import timezone
from django_tasks import task

from announcements.models import Announcement
from announcements.services import announcement_publish_notify


@task()
def announcements_due() -> int:
    """Send the notification of every published announcement whose start has passed and was not yet told (ended
    ones never). Returns how many were sent."""
    now = timezone.now()
    due = Announcement.objects.filter(live=True, notified_at=None, starts_at__lte=now, ends_at__gt=now)
    return sum(announcement_publish_notify(announcement=row, at=now) for row in due.order_by("pk"))
