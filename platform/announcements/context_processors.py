"""The announcements a portal header shows: those of the current portal (supplier, distributor or store admin)
the signed-in user has not read. One query on a portal page; none for anonymous users or other pages."""

from announcements.selectors import PORTAL_AUDIENCES, announcements_for_portal


def announcements(request) -> dict:
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if match is None or user is None or not user.is_authenticated or match.namespace not in PORTAL_AUDIENCES:
        return {}
    return {"portal_announcements": announcements_for_portal(user=user, portal=match.namespace)}
