"""The announcements a portal header shows: PLACEHOLDER until the announcements helper fills it in."""


def announcements(request) -> dict:
    return {}
