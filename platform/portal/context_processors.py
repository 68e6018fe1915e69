"""Chrome shared by all portal pages: the party switcher's entries and the languages."""

from portal.access import SESSION_KEY, portal_choices


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "portal_choices": lambda: portal_choices(user=user),
        "active_membership_id": request.session.get(SESSION_KEY),
    }
