"""The notification centre: list with filters, open one (marks it read), mark read, and the JSON catch-up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from notifications import selectors
from notifications.audiences import socket_groups
from notifications.events import render
from notifications.models import Notification
from notifications.services import notifications_mark_read
from portal.access import portal_choices
from portal.links import safe_url

PAGE_SIZE = 30


def _chrome(user, choices) -> str:
    """Party members and the operator see the portals' chrome; shoppers the storefront's."""
    return "portal/chrome.html" if user.is_staff or choices else "storefront/base.html"


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/list.html"
    context_object_name = "notifications"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        params = self.request.GET
        groups = socket_groups(user=self.request.user)
        group = params.get("group", "")
        return selectors.notification_list(user=self.request.user, kind=params.get("kind", ""),
                                           unread_only=params.get("unread") == "1",
                                           group=group if group in groups else "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for row in context["notifications"]:
            row.title, row.body = render(kind=row.event.kind, params=row.event.params)
        user = self.request.user
        choices = portal_choices(user=user)
        context.update(base_template=_chrome(user, choices), kinds=selectors.notification_kinds(),
                       groups=_group_choices(user, choices), filters=self.request.GET)
        return context


def _group_choices(user, choices) -> list[tuple[str, str]]:
    """The filter's entries: the user, each party or store they act for (its group), the operator if staff."""
    parties = [(f"{choice['membership'].kind}.{choice['membership'].party.pk}",
                f"{choice['membership'].kind_label}: {choice['label']}")
               for choice in choices if choice["membership"] is not None]
    operator = [("operator", _("Operator"))] if user.is_staff else []
    return [(f"user.{user.pk}", _("Just me")), *parties, *operator]


@login_required
def notification_open(request, event_id: int):
    """Follow a notification to its object, marking it read on the way."""
    row = get_object_or_404(Notification, user=request.user, event_id=event_id)
    notifications_mark_read(user=request.user, event_ids=[event_id])
    return redirect(row.link or "notifications:list")


@require_POST
@login_required
def notifications_read(request):
    """Mark the ticked notifications read, or all of them (`all`)."""
    if request.POST.get("all"):
        count = notifications_mark_read(user=request.user)
    else:
        try:
            ids = [int(raw) for raw in request.POST.getlist("ids")]
        except ValueError:
            messages.error(request, _("Those notifications could not be read: the list was not valid."))
            return redirect("notifications:list")
        if not ids:
            messages.error(request, _("Tick the notifications to mark read, or mark them all read."))
            return redirect("notifications:list")
        count = notifications_mark_read(user=request.user, event_ids=ids)
    messages.success(request, ngettext("%(count)s notification marked read.", "%(count)s notifications marked read.",
                                       count) % {"count": count})
    return redirect(safe_url(request, request.POST.get("next")) or "notifications:list")


@login_required
def notifications_since(request):
    """JSON catch-up for a client without its socket: everything after `after`, oldest first."""
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        return JsonResponse({"error": _("`after` must be a whole number.")}, status=400)
    if after < 0:
        return JsonResponse({"error": _("`after` must be a whole number.")}, status=400)
    items, more = selectors.notifications_after(user=request.user, after=after)
    return JsonResponse({"items": items, "more": more, **selectors.notification_state(user=request.user)})
