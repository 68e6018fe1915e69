"""Back-office reconciliation pages (staff only, see backoffice.apps): reports, import, fetch, mismatches, resolve.

Thin: parse the request, call a selector or a service, say what happened.
"""

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from portal.links import safe_next
from settlement.reconciliation.forms import ReportUploadForm, ResolveForm, StripeFetchForm
from settlement.reconciliation.models import Mismatch, MismatchKind, ProviderReport
from settlement.reconciliation.selectors import (
    STATES,
    open_mismatch_count,
    report_kind_counts,
    report_list,
    report_mismatches,
)
from settlement.reconciliation.services import (
    ReconciliationError,
    mismatch_resolve,
    reconciliation_fetch_stripe,
    reconciliation_import_file,
    reconciliation_run,
)


def stripe_configured() -> bool:
    return bool(getattr(settings, "STRIPE_SECRET_KEY", ""))


def _form_errors(form) -> str:
    return " ".join(f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
                    for name, errors in form.errors.items())


def _said(request, report: ProviderReport) -> None:
    open_count = report.mismatches.filter(resolved_at=None).count()
    messages.success(request, _("Report #%(pk)s: %(imported)s records imported, %(duplicates)s already imported "
                                "by an earlier report and skipped; %(matched)s payments and refunds match, "
                                "%(open)s mismatches open.")
                     % {"pk": report.pk, "imported": report.imported, "duplicates": report.duplicates,
                        "matched": report.matched, "open": open_count})


class ReportListView(ListView):
    """Every report, newest first, with its open mismatches; import a file or fetch from Stripe."""

    template_name = "reconciliation/report_list.html"
    context_object_name = "reports"
    paginate_by = 30

    def get_queryset(self):
        return report_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(upload_form=ReportUploadForm(), fetch_form=StripeFetchForm(),
                       stripe_configured=stripe_configured(), open_total=open_mismatch_count())
        return context


class ReportUploadView(View):
    def post(self, request):
        form = ReportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect("dashboard:mp-reconciliation-list")
        upload = form.cleaned_data["file"]
        try:
            report = reconciliation_import_file(content=upload.read(), file_name=upload.name, actor=request.user)
        except ReconciliationError as error:
            messages.error(request, _("The report was not imported: %(error)s") % {"error": error})
            return redirect("dashboard:mp-reconciliation-list")
        _said(request, report)
        return redirect("dashboard:mp-reconciliation-detail", pk=report.pk)


class StripeFetchView(View):
    def post(self, request):
        if not stripe_configured():
            messages.error(request, _("Stripe keys are not configured: import the settlement report file instead."))
            return redirect("dashboard:mp-reconciliation-list")
        form = StripeFetchForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect("dashboard:mp-reconciliation-list")
        since = datetime.combine(form.cleaned_data["since"], time.min, tzinfo=UTC)
        until = datetime.combine(form.cleaned_data["until"] + timedelta(days=1), time.min, tzinfo=UTC)
        try:
            report = reconciliation_fetch_stripe(since=since, until=until, actor=request.user)
        except ReconciliationError as error:
            messages.error(request, _("Nothing was fetched: %(error)s") % {"error": error})
            return redirect("dashboard:mp-reconciliation-list")
        _said(request, report)
        return redirect("dashboard:mp-reconciliation-detail", pk=report.pk)


class ReportDetailView(DetailView):
    """One report: its mismatches by kind (filter by kind and open/resolved), each with a resolve form."""

    template_name = "reconciliation/report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return get_object_or_404(ProviderReport.objects.select_related("created_by"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = self.request.GET.get("kind", "")
        kind = kind if kind in MismatchKind.values else ""
        state = self.request.GET.get("state", "open")
        state = state if state in STATES else "open"
        context.update(filters={"kind": kind, "state": state}, kinds=MismatchKind.choices,
                       states=[("open", _("Open")), ("resolved", _("Resolved")), ("all", _("All"))],
                       kind_counts=report_kind_counts(report=self.object),
                       mismatches=report_mismatches(report=self.object, kind=kind, state=state),
                       note_max=ResolveForm.base_fields["note"].max_length)
        return context


class ReportRunView(View):
    """Match the report's period again (e.g. after a late webhook put a payment in the ledger)."""

    def post(self, request, pk):
        report = get_object_or_404(ProviderReport, pk=pk)
        result = reconciliation_run(report=report, actor=request.user)
        messages.success(request, _("Matched again: %(matched)s match, %(found)s mismatches (%(new)s new), "
                                    "%(cleared)s no longer occur and were removed.")
                         % {"matched": result.matched, "found": result.found, "new": result.new,
                            "cleared": result.cleared})
        return redirect("dashboard:mp-reconciliation-detail", pk=report.pk)


class MismatchResolveView(View):
    def post(self, request, pk):
        mismatch = get_object_or_404(Mismatch, pk=pk)
        back = safe_next(request, reverse("dashboard:mp-reconciliation-detail", kwargs={"pk": mismatch.report_id}))
        form = ResolveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect(back)
        try:
            mismatch = mismatch_resolve(mismatch=mismatch, note=form.cleaned_data["note"], actor=request.user)
        except ReconciliationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Mismatch resolved: ledger transaction %(key)s posted.")
                             % {"key": mismatch.resolution.key})
        return redirect(back)
