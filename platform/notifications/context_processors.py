"""The header badge's unread count and the live client's starting id, for signed-in users (one query, lazily)."""

from django.utils.functional import SimpleLazyObject

from notifications.selectors import notification_state


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_state": SimpleLazyObject(lambda: notification_state(user=user))}
