"""Public pages: apply as a supplier or distributor, and follow the application with its private link."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from onboarding.forms import ApplicationForm
from onboarding.models import Application
from onboarding.selectors import application_by_token, application_team, usable_team_invitation
from onboarding.services import application_submit

SESSION_KEY = "mp_onboarding_submitted"


class ApplyView(FormView):
    """One phone-first form per kind; anyone may apply, signed in or not."""

    kind = ""
    form_class = ApplicationForm
    template_name = "onboarding/apply.html"

    def invitation_token(self) -> str:
        """A distributor's team invitation link adds ?invitation=<token>; the form posts back to the same URL."""
        if self.kind != Application.Kind.DISTRIBUTOR:
            return ""
        return self.request.GET.get("invitation", "").strip()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.kind
        context["kind_label"] = Application.Kind(self.kind).label
        token = self.invitation_token()
        invitation = usable_team_invitation(token=token) if token else None
        context["invitation"] = invitation
        context["invitation_refused"] = bool(token) and invitation is None
        return context

    def form_valid(self, form):
        try:
            application = application_submit(kind=self.kind, base_url=self.request.build_absolute_uri("/"),
                                             team_invitation=self.invitation_token(), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self.request.session[SESSION_KEY] = application.pk
        return redirect("onboarding:status", token=application.token)


@never_cache
def status(request, token: str):
    """What became of an application; the token in the address is the only key."""
    application = application_by_token(token=token)
    if application is None:
        raise Http404(_("No application has this address."))
    just_submitted = request.session.get(SESSION_KEY) == application.pk
    if just_submitted:
        del request.session[SESSION_KEY]
        messages.success(request, _("Thank you, we received your application."))
    return render(request, "onboarding/status.html", {
        "application": application,
        "team": application_team(application=application),
        "just_submitted": just_submitted,
        "status_url": request.build_absolute_uri(),
    })
