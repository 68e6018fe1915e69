"""The analytics pages of the back-office: thin views over reports.selectors (staff only: the dashboard's URL
decorator answers 404 to everyone else)."""

from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from parties.models import Store
from reports import exports
from reports.charts import Bars, Trend
from reports.forms import ReportFilterForm, group_by
from reports.selectors import SORTABLE, analytics_overview, contribution_rows, contribution_totals


class FilteredView(TemplateView):
    """Binds the filter form to the query string; an invalid form computes nothing (the page shows why)."""

    def get_form(self) -> ReportFilterForm:
        return ReportFilterForm(self.request.GET, today=timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.get_form()
        context["form"] = form
        context["errors"] = [] if form.is_valid() else [e for errors in form.errors.values() for e in errors]
        context["filters"] = form.filters() if form.is_valid() else None
        first, last = form.default_range()
        context["start"] = form.cleaned_data["start"] if form.is_valid() else self.request.GET.get("start", first)
        context["end"] = form.cleaned_data["end"] if form.is_valid() else self.request.GET.get("end", last)
        return context


class OverviewView(FilteredView):
    template_name = "reports/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["filters"] is None:
            return context
        overview = analytics_overview(filters=context["filters"], today=timezone.localdate())
        days, labels = overview.days, dict(Store.Channel.choices)
        context.update(
            overview=overview, period=overview.figures["period"],
            versus_previous=overview.compare("period", "previous"),
            versus_yesterday=overview.compare("today", "yesterday"),
            trends=[Trend("gmv", [(d.isoformat(), overview.gmv_by_day.get(d, 0)) for d in days]),
                    Trend("orders", [(d.isoformat(), overview.orders_by_day.get(d, 0)) for d in days])],
            top_stores=Bars("stores", overview.top_stores),
            top_products=Bars("products", overview.top_products),
            channels=Bars("channels", [(labels.get(channel, channel), gmv, orders)
                                       for channel, gmv, orders in overview.channels]),
        )
        return context


class ContributionView(FilteredView):
    template_name = "reports/contribution.html"

    def rows(self, filters):
        by = group_by(self.request.GET.get("by"))
        sort = self.request.GET.get("sort") or "rank"
        return by, sort, contribution_rows(filters=filters, by=by, sort=sort)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by = group_by(self.request.GET.get("by"))
        context.update(by=by, sort=self.request.GET.get("sort") or "rank", columns=SORTABLE,
                       query=self._query(), filter_query=self._query("by"))
        if context["filters"] is not None:
            by, sort, rows = self.rows(context["filters"])
            context.update(rows=rows, totals=contribution_totals(rows))
        return context

    def _query(self, *dropped: str) -> str:
        """The query string without `sort` (and `dropped`), for the column and grouping links: filters stay."""
        params = self.request.GET.copy()
        for name in ("sort", *dropped):
            params.pop(name, None)
        return params.urlencode()


class ContributionExportView(ContributionView):
    """The rows the page shows (same filters, grouping and order) as CSV or Excel; a bad range gets the page."""

    extension = "csv"

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return super().get(request, *args, **kwargs)
        filters = form.filters()
        by, _sort, rows = self.rows(filters)
        if self.extension == "csv":
            response = HttpResponse(exports.contribution_csv(rows, by=by), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                exports.contribution_xlsx(rows, by=by, filters=filters),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(filters, by, self.extension)}"'
        return response
