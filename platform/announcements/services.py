"""Commands on announcements: tell the audience once it is published and started; mark one read for a user.

`announcement_publish_notify` is the one place the live notification is sent from, whether the editor published
an announcement that has already started (wagtail's `published` signal) or its start came later
(`tasks.announcements_due`). `notified_at` is set in the same transaction as the event, on a locked row, so two
publishes (or a publish racing the periodic task) tell people once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from announcements.models import Announcement, AnnouncementAudience, AnnouncementRead
from notifications.audiences import Audience
from notifications.services import event_emit
from parties.locking import lock_rows

AUDIENCE_PARTIES = {
    AnnouncementAudience.SUPPLIERS: ("supplier",),
    AnnouncementAudience.DISTRIBUTORS: ("distributor",),
    AnnouncementAudience.STORE_ADMINS: ("store",),
    AnnouncementAudience.ALL: ("supplier", "distributor", "store"),
}


def announcement_audiences(announcement: Announcement) -> list[Audience]:
    return [Audience.every(kind) for kind in AUDIENCE_PARTIES[announcement.audience]]


def announcement_publish_notify(*, announcement: Announcement, at=None) -> bool:
    """Send the announcement's live notification if it is live, started, not ended and not yet sent.

    True when it was sent now. Re-publishing an edited announcement, a draft, one that starts later or one
    already over sends nothing.
    """
    at = at or timezone.now()
    with transaction.atomic():
        rows = lock_rows(Announcement.objects.filter(pk=announcement.pk))
        if not rows:
            return False
        row = rows[0]
        if not row.live or row.notified_at is not None or row.starts_at > at or row.ends_at <= at:
            return False
        Announcement.objects.filter(pk=row.pk).update(notified_at=at)
        announcement.notified_at = at
        event_emit(kind="announcement.published", audiences=announcement_audiences(row),
                   params={"announcement": row.pk, "title": row.title, "title_zh": row.title_zh})
    return True


def announcement_mark_read(*, user, announcement: Announcement) -> AnnouncementRead:
    """The user dismissed the announcement: it leaves their headers (marking it twice is harmless)."""
    read, _created = AnnouncementRead.objects.get_or_create(user=user, announcement=announcement)
    return read
