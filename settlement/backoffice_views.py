"""The operator's finance pages in the back-office (staff only, see backoffice.apps): commission rules and their
preview on a real order, settlement runs, and the finance overview. Thin: parse, call a service or selector, say."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from settlement.finance_selectors import finance_overview, running_run, settlement_runs, split_preview
from settlement.forms import CommissionRuleSetForm, PeriodForm, PreviewForm, RuleFormSet, month_bounds
from settlement.rules import RuleInput, commission_rule_versions, commission_rules_create, commission_rules_in_force


class CommissionRulesView(TemplateView):
    """Every version of the commission rules (newest first, the one in force marked) and a form for the next."""

    template_name = "settlement/backoffice/commission_rules.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = list(commission_rule_versions())
        for version in versions:  # rates are stored as a fraction (0.0500) and shown in per cent
            version.rate_percent = version.default_rate * 100
            for rule in version.rules.all():
                rule.rate_percent = rule.rate * 100
        context.update(versions=versions, in_force=commission_rules_in_force(), now=timezone.now(),
                       form=kwargs.get("form") or CommissionRuleSetForm(),
                       formset=kwargs.get("formset") or RuleFormSet(prefix="rules"),
                       preview_form=PreviewForm())
        return context

    def post(self, request, *args, **kwargs):
        form = CommissionRuleSetForm(request.POST)
        formset = RuleFormSet(request.POST, prefix="rules")
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                ruleset = commission_rules_create(
                    effective_from=data["effective_from"] or timezone.now(), default_rate=form.cleaned_rate(),
                    default_supplier_share=data["default_supplier_share"],
                    gateway_fee_percent=data["gateway_fee_percent"], gateway_fee_fixed=data["gateway_fee_fixed"],
                    gateway_fee_bearer=data["gateway_fee_bearer"], note=data["note"],
                    rules=[RuleInput(**rule) for rule in formset.rules()], actor=request.user)
            except ValidationError as error:
                for text in error.messages:
                    form.add_error(None, text)
            else:
                messages.success(request, _("Commission rules v%(version)s are published, in force from %(when)s.")
                                 % {"version": ruleset.version,
                                    "when": timezone.localtime(ruleset.effective_from).strftime("%Y-%m-%d %H:%M")})
                return redirect(reverse("dashboard:mp-commission-rules"))
        messages.error(request, _("The new version was not published: see the errors below."))
        return self.render_to_response(self.get_context_data(form=form, formset=formset), status=400)


class CommissionPreviewView(TemplateView):
    """How an order's lines split under the rules in force when it was placed (nothing is written)."""

    template_name = "settlement/backoffice/commission_preview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asked = "number" in self.request.GET
        form = PreviewForm(self.request.GET if asked else None)
        context["form"] = form
        if asked and form.is_valid():
            preview = split_preview(number=form.cleaned_data["number"].strip(), line_id=form.cleaned_data["line"])
            if preview is None:
                context["not_found"] = form.cleaned_data["number"]
            else:
                context["preview"] = preview
        return context


class SettlementRunsView(TemplateView):
    """Every run (newest first), the one going with its progress, and a button to run settlement now."""

    template_name = "settlement/backoffice/settlement_runs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(runs=settlement_runs()[:100], running=running_run())
        return context

    def post(self, request, *args, **kwargs):
        from settlement.tasks import run_settlement

        results = []
        # The run commits chunk by chunk and must not start inside a transaction: enqueue once the request's own
        # work (none here: the view is non-atomic) is committed.
        transaction.on_commit(lambda: results.append(run_settlement.enqueue(actor_id=request.user.pk)))
        result = results[0] if results else None
        if result is None or not result.is_finished:
            messages.info(request, _("Settlement is queued; this page shows its progress."))
        elif result.status != "SUCCESSFUL":
            messages.error(request, _("The settlement run failed; see the logs. Running it again resumes it."))
        elif result.return_value.get("busy"):
            messages.warning(request, _("A settlement run is already in progress; wait for it to finish."))
        else:
            value = result.return_value
            messages.success(request, _("Settlement run #%(run)s finished: %(parts)s order parts matured, "
                                        "%(amount)s made available.")
                             % {"run": value["run"], "parts": value["maturities"], "amount": value["amount"]})
        return redirect(reverse("dashboard:mp-settlement-runs"))


class FinanceOverviewView(TemplateView):
    """A period's money: sales received, refunds, the platform's revenue, what is owed to the parties, payouts."""

    template_name = "settlement/backoffice/finance_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        start, end = month_bounds(timezone.localdate())
        asked = any(self.request.GET.get(name) for name in ("start", "end"))
        form = PeriodForm(self.request.GET if asked else None, initial={"start": start, "end": end})
        if asked:
            if form.is_valid():
                start = form.cleaned_data["start"] or start
                end = form.cleaned_data["end"] or max(end, start)
            else:
                errors = [e for errors in form.errors.values() for e in errors]
                messages.error(self.request, _("%(errors)s Showing this month instead.")
                               % {"errors": " ".join(errors)})
        overview = finance_overview(start=start, end=end)
        context.update(form=form, overview=overview, charts=overview.charts(), start=start, end=end)
        return context
