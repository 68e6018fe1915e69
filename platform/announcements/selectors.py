"""Which announcements a reader sees: by the portal they are in (header strip) or by the portals they belong to.

"Shown" means live (published; drafts never), started, not ended. The portal header asks for those of one portal
not yet read by the user, in one query.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from announcements.models import Announcement, AnnouncementAudience
from parties.models import Membership

# A portal's URL namespace → the audience it shows (besides "all").
PORTAL_AUDIENCES = {
    "supplier": AnnouncementAudience.SUPPLIERS,
    "distributor": AnnouncementAudience.DISTRIBUTORS,
    "storeadmin": AnnouncementAudience.STORE_ADMINS,
}


def announcements_shown(*, at=None) -> QuerySet[Announcement]:
    at = at or timezone.now()
    return Announcement.objects.filter(live=True, starts_at__lte=at, ends_at__gt=at)


def announcements_for_portal(*, user, portal: str, at=None) -> list[Announcement]:
    """The live announcements of the portal `portal` (a URL namespace) the user has not read, newest first."""
    audience = PORTAL_AUDIENCES.get(portal)
    if audience is None or not user.is_authenticated:
        return []
    rows = announcements_shown(at=at).filter(audience__in=[audience, AnnouncementAudience.ALL])
    return list(rows.exclude(reads__user=user).order_by("-starts_at", "-pk"))


def user_audiences(*, user) -> set[str]:
    """The audiences a user belongs to through their memberships in force (and "all" when they have any)."""
    kinds = set()
    for supplier_id, distributor_id in Membership.objects.filter(user=user).values_list("supplier_id",
                                                                                         "distributor_id"):
        kinds.add(AnnouncementAudience.SUPPLIERS if supplier_id else
                  AnnouncementAudience.DISTRIBUTORS if distributor_id else AnnouncementAudience.STORE_ADMINS)
    return kinds | {AnnouncementAudience.ALL} if kinds else set()


def announcements_addressed_to(*, user, at=None) -> QuerySet[Announcement]:
    """Started, live announcements addressed to one of the user's portals (ended ones may still be marked read)."""
    at = at or timezone.now()
    return Announcement.objects.filter(live=True, starts_at__lte=at, audience__in=user_audiences(user=user))
