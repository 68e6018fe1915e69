"""Mark an announcement read (the header's button): GET shows it with the button, POST dismisses it.

Only a started, published announcement addressed to one of the user's portals is reachable; any other id is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from announcements.selectors import announcements_addressed_to
from announcements.services import announcement_mark_read
from portal.links import safe_next


@login_required
def announcement_read(request, pk: int):
    announcement = get_object_or_404(announcements_addressed_to(user=request.user), pk=pk)
    if request.method == "POST":
        announcement_mark_read(user=request.user, announcement=announcement)
        messages.success(request, _("Announcement marked as read."))
        return redirect(safe_next(request, reverse("portal:landing")))
    return render(request, "announcements/read.html", {"announcement": announcement})
