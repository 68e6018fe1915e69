"""Operator pages for onboarding, mounted in the back-office (staff only, see backoffice.apps).

Thin: parse the request, call a selector or a service, say what happened.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from onboarding.forms import DecisionForm, PartyPlanForm, PlanForm
from onboarding.models import Application
from onboarding.selectors import application_list, application_team, default_plan, plan_list
from onboarding.services import application_approve, application_reject, party_assign_plan, plan_create, plan_update
from onboarding.validators import LICENCE_CONTENT_TYPES
from parties.models import Distributor, Plan, Store, Supplier
from parties.scoping import Scope, scoped

OPERATOR = Scope.operator()
PARTY_MODELS = {"supplier": Supplier, "distributor": Distributor, "store": Store}
PARTY_DETAIL_URLS = {"supplier": "dashboard:mp-supplier-detail", "distributor": "dashboard:mp-distributor-detail",
                     "store": "dashboard:mp-store-detail"}


def _application(pk) -> Application:
    return get_object_or_404(scoped(Application.objects.select_related("decided_by"), scope=OPERATOR), pk=pk)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class ApplicationListView(ListView):
    """The queue: waiting applications first by default; filter by status and kind."""

    template_name = "onboarding/backoffice/application_list.html"
    context_object_name = "applications"
    paginate_by = 50

    def _filter(self, name, choices, default=""):
        value = self.request.GET.get(name, default)
        return value if value in choices else ""

    def get_queryset(self):
        self.status = self._filter("status", Application.Status.values, default=Application.Status.SUBMITTED)
        self.kind = self._filter("kind", Application.Kind.values)
        return application_list(scope=OPERATOR, status=self.status, kind=self.kind)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(status=self.status, kind=self.kind, statuses=Application.Status.choices,
                       kinds=Application.Kind.choices)
        return context


class ApplicationDetailView(DetailView):
    template_name = "onboarding/backoffice/application_detail.html"
    context_object_name = "application"

    def get_object(self, queryset=None):
        return _application(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plans = plan_list(scope=OPERATOR)
        context.update(plans=plans, default_plan=default_plan(), team=application_team(application=self.object),
                       form=DecisionForm(plans=plans, initial={"plan": default_plan()}))
        return context


class ApplicationLicenceView(View):
    """The licence image, served to operators only (never from a public media URL)."""

    def get(self, request, pk):
        application = _application(pk)
        if not application.licence_image:
            raise Http404
        name = application.licence_image.name
        suffix = name[name.rfind("."):].lower() if "." in name else ""
        try:
            handle = application.licence_image.open("rb")
        except FileNotFoundError:
            raise Http404(_("The licence image file is missing from storage.")) from None
        return FileResponse(handle, content_type=LICENCE_CONTENT_TYPES.get(suffix, "application/octet-stream"))


class ApplicationDecideView(View):
    """Base for approve/reject: a refused decision changes nothing and says why on the detail page."""

    def decide(self, request, application, form):
        raise NotImplementedError

    def post(self, request, pk):
        application = _application(pk)
        form = DecisionForm(request.POST, plans=plan_list(scope=OPERATOR))
        if not form.is_valid():
            messages.error(request, _("Choose one of the listed plans."))
        else:
            try:
                self.decide(request, application, form)
            except ValidationError as error:
                messages.error(request, _error_text(error))
        return redirect("dashboard:mp-application-detail", pk=pk)


class ApplicationApproveView(ApplicationDecideView):
    def decide(self, request, application, form):
        approved = application_approve(actor=request.user, application=application, plan=form.cleaned_data["plan"],
                                       base_url=request.build_absolute_uri("/"))
        messages.success(request, _("%(company)s is approved: %(party)s was created and its owner %(email)s "
                                    "was e-mailed a link to choose a password.")
                         % {"company": approved.company_name, "party": approved.party, "email": approved.email})
        team = application_team(application=approved)
        if team is None:
            return
        if team.problem:
            messages.warning(request, _("%(party)s did not join the team it was invited to: %(problem)s "
                                        "Nothing else was affected; add it to a team later if needed.")
                             % {"party": approved.party, "problem": team.problem})
        elif team.upline is not None:
            messages.success(request, _("%(party)s joined the team of %(upline)s.")
                             % {"party": approved.party, "upline": team.upline})


class ApplicationRejectView(ApplicationDecideView):
    def decide(self, request, application, form):
        application_reject(actor=request.user, application=application, reason=form.cleaned_data["reason"],
                           base_url=request.build_absolute_uri("/"))
        messages.success(request, _("%(company)s is rejected; the applicant was e-mailed the reason.")
                         % {"company": application.company_name})


class PlanListView(ListView):
    template_name = "onboarding/backoffice/plan_list.html"
    context_object_name = "plans"

    def get_queryset(self):
        return plan_list(scope=OPERATOR)


class PlanFormView(FormView):
    """Create (no pk) or edit a plan."""

    template_name = "onboarding/backoffice/plan_form.html"
    form_class = PlanForm

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("pk")
        self.plan = get_object_or_404(plan_list(scope=OPERATOR), pk=pk) if pk is not None else None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.plan is not None:
            # The form works on a copy: the service compares against the stored plan.
            kwargs["instance"] = Plan.objects.get(pk=self.plan.pk)
            kwargs["initial"] = {"is_default": self.plan.is_default}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        return context

    def form_valid(self, form):
        values = {**form.cleaned_data}
        try:
            if self.plan is None:
                plan = plan_create(actor=self.request.user, **values)
            else:
                plan = plan_update(actor=self.request.user, plan=self.plan, **values)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Plan %(plan)s is saved.") % {"plan": plan})
        return redirect("dashboard:mp-plan-list")


class PartyPlanView(View):
    """Assign a plan from a party's back-office page."""

    def post(self, request, kind, pk):
        model = PARTY_MODELS.get(kind)
        if model is None:
            raise Http404
        party = get_object_or_404(scoped(model.objects.all(), scope=OPERATOR), pk=pk)
        form = PartyPlanForm(request.POST, plans=plan_list(scope=OPERATOR))
        if not form.is_valid():
            messages.error(request, _("Choose one of the listed plans."))
        else:
            try:
                updated = party_assign_plan(actor=request.user, party=party, plan=form.cleaned_data["plan"])
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, _("%(party)s is now on %(plan)s.") % {
                    "party": updated, "plan": updated.plan or _("the default plan")})
        return redirect(reverse(PARTY_DETAIL_URLS[kind], kwargs={"pk": pk}))
