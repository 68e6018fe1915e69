"""Sign-in, the landing page that routes each user to a portal, the switcher and a health probe."""

import platform
import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.errors import json_error
from audit.services import audit_record
from parties.models import Membership
from portal.access import PORTAL_URLS, SESSION_KEY, portal_choices
from portal.forms import SignInForm
from portal.links import safe_url


class SignInView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def _portal_url(choice) -> str:
    if choice["kind"] == "operator":
        return reverse("dashboard:index")
    return reverse(PORTAL_URLS[choice["kind"]])


@login_required
def landing(request):
    """Send the user to their portal; with several, let them pick; with none, to the shop."""
    choices = portal_choices(user=request.user)
    next_url = safe_url(request, request.GET.get("next"))
    if not choices:
        messages.info(request, _("This account has no portal role, so you are signed in as a shopper."))
        return redirect("customer:summary")
    if len(choices) == 1:
        only = choices[0]
        if only["membership"] is not None:
            request.session[SESSION_KEY] = only["membership"].pk
        return redirect(next_url or _portal_url(only))
    for choice in choices:
        choice["url"] = _portal_url(choice)
    return render(request, "portal/landing.html", {"choices": choices, "next": next_url or ""})


@require_POST
@login_required
def switch(request):
    """Act for another of the user's memberships (the party/store switcher)."""
    raw = request.POST.get("membership", "")
    if raw == "operator":
        if not request.user.is_staff:
            raise Http404
        return redirect("dashboard:index")
    try:
        membership = Membership.objects.get(pk=int(raw), user=request.user)
    except (ValueError, Membership.DoesNotExist):
        raise Http404 from None
    previous = request.session.get(SESSION_KEY)
    request.session[SESSION_KEY] = membership.pk
    if previous != membership.pk:
        audit_record(action="membership.switch", target=membership, changes={"from": previous, "to": membership.pk})
    next_url = safe_url(request, request.POST.get("next"))
    return redirect(next_url or reverse(PORTAL_URLS[membership.kind]))


def healthz(request):
    """Liveness and a witness that the stdlib `platform` module is the one the app imports."""
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    return JsonResponse({
        "status": "ok",
        "platform_system": platform.system(),
        "platform_module": getattr(platform, "__file__", ""),
        "python": sys.version.split()[0],
        "database": connection.vendor,
        "channel_layer": layer,
    })


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        return json_error(http_status=404, code="not_found", message=_("There is nothing at this address."))
    return render(request, "portal/message.html", {"title": _("Page not found"),
                  "message": _("There is nothing at this address, or you may not see it.")}, status=404)


def permission_denied(request, exception):
    return render(request, "portal/message.html", {"title": _("Not allowed"),
                  "message": str(exception) or _("You may not do this.")}, status=403)


def server_error(request):
    if request.path.startswith("/api/"):
        return json_error(http_status=500, code="server_error",
                          message=_("The error has been logged. Please try again in a moment."))
    return render(request, "portal/message.html", {"title": _("Something went wrong"),
                  "message": _("The error has been logged. Please try again in a moment.")}, status=500)

