"""Isolation-sweep entries of issue 10's announcements pages (owned by their helper), merged into tests/isolation.py.

`PORTAL_ENTRIES`: {url name: keyword arguments of `PortalTarget`}; `OPERATOR_ENTRIES`: url name → callable giving
the URL kwargs (see tests/isolation_grants.py for the shape).

"Mark as read" (/announcements/<pk>/read/: GET shows it with the button, POST marks it) reaches only an
announcement addressed to one of the user's portals: a supplier's user gets 404 for one meant for distributors.
"""

from collections.abc import Callable


def _announcement(audience: str) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from announcements.models import Announcement

    now = timezone.now()
    row, _created = Announcement.objects.get_or_create(
        title=f"Isolation sweep: {audience}", audience=audience,
        defaults={"body": "-", "starts_at": now - timedelta(hours=1), "ends_at": now + timedelta(days=1)})
    return {"pk": row.pk}


PORTAL_ENTRIES: dict[str, dict] = {
    "announcements:read": {
        "actor": "supplier@demo.test",
        "own": lambda: _announcement("suppliers"),
        "foreign": lambda: _announcement("distributors"),
        "methods": ("get", "post"),
    },
}

OPERATOR_ENTRIES: dict[str, Callable[[], dict]] = {}
