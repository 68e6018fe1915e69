"""Bridge from wagtail's `published` signal (sent by the snippet editor and by scheduled publishing) to the service
that sends the announcement's live notification."""

from wagtail.signals import published

from announcements.models import Announcement
from announcements.services import announcement_publish_notify


def _on_published(sender, instance, **kwargs):
    announcement_publish_notify(announcement=instance)


def connect() -> None:
    published.connect(_on_published, sender=Announcement, dispatch_uid="announcements.publish_notify")
