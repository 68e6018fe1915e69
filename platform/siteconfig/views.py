"""The operator's settings page (back-office, staff only): values in force, scheduled ones, history, and a form
per setting. Thin: parse the POST, call `siteconfig.services.setting_change`, say what happened.
"""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from parties.models import Plan
from payments.registry import all_methods
from settlement.rules import commission_rules_in_force
from siteconfig.registry import SETTINGS
from siteconfig.selectors import setting_rows
from siteconfig.services import setting_change


def _moment(text: str) -> datetime | None:
    """A datetime-local input ("2026-12-01T09:30") in the current time zone; empty: now."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("Enter the start as a date and time, e.g. 2026-12-01 09:30.")) from None


def stripe_keys_status() -> list[tuple[str, bool]]:
    """Whether each Stripe key is set (never its value)."""
    return [(_("Secret key"), bool(settings.STRIPE_SECRET_KEY)),
            (_("Publishable key"), bool(settings.STRIPE_PUBLISHABLE_KEY)),
            (_("Webhook signing secret"), bool(settings.STRIPE_WEBHOOK_SECRET))]


class SettingsView(TemplateView):
    template_name = "siteconfig/settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = setting_rows()
        methods = [m for m in all_methods() if not m.in_shop]
        disabled = next(row["value"] for row in rows if row["setting"].key == "payment_methods_disabled")
        context.update(
            rows=rows,
            methods=[{"code": m.code, "label": m.label, "on": m.code not in disabled, "configured": m.is_enabled()}
                     for m in methods],
            stripe_keys=stripe_keys_status(),
            ruleset=commission_rules_in_force(),
            plans=list(Plan.objects.order_by("code")),
        )
        return context

    def post(self, request, *args, **kwargs):
        key = request.POST.get("key", "")
        setting = SETTINGS.get(key)
        try:
            if setting is None:
                raise ValidationError(_("Unknown setting “%(key)s”.") % {"key": key})
            if key == "payment_methods_disabled":
                on = set(request.POST.getlist("on"))
                raw = [m.code for m in all_methods() if not m.in_shop and m.code not in on]
            else:
                raw = request.POST.get("value", "")
            version = setting_change(actor=request.user, key=key, raw=raw, note=request.POST.get("note", ""),
                                     effective_from=_moment(request.POST.get("effective_from", ""))
                                     if setting.versioned else None)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(label)s: the new value applies from %(start)s.")
                             % {"label": setting.label,
                                "start": timezone.localtime(version.effective_from).strftime("%Y-%m-%d %H:%M")})
        return redirect("dashboard:mp-settings")
