"""The finance page of the supplier and distributor portals: balances, the statement of a period, its exports.

The party is always the acting membership's own (the portal mixin resolves it); no URL here takes a party id.
"""

from django.http import HttpResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from audit.services import audit_read
from distributor.views import DistributorPortalMixin
from settlement import exports
from settlement.selectors import party_balances
from settlement.statements import period_from, statement, upcoming_maturities
from supplier.views import SupplierPortalMixin


def statement_context(*, party, params, csv_url: str, xlsx_url: str) -> dict:
    """What a statement page shows for `party` and the period asked in `params` (shared with the operator)."""
    period = period_from(params)
    report = statement(party=party, start=period.start, end=period.end)
    query = period.query()
    return {"period": period, "statement": report, "period_error": period.error,
            "csv_url": f"{csv_url}?{query}", "xlsx_url": f"{xlsx_url}?{query}",
            "month_value": period.month or f"{period.start:%Y-%m}"}


def export_response(*, party, params, kind: str) -> HttpResponse:
    period = period_from(params)
    report = statement(party=party, start=period.start, end=period.end)
    if kind == "xlsx":
        body = exports.statement_xlsx(report)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, content_type = exports.statement_csv(report), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, kind)}"'
    return response


class FinancePage(TemplateView):
    """Balances, the next days pending money becomes available, the statement of a period and its downloads."""

    template_name = "settlement/portal/finance.html"
    namespace = ""

    @property
    def party(self):
        return self.membership.party

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        party, ns = self.party, self.namespace
        maturities, undated = upcoming_maturities(party=party)
        context.update(
            balances=party_balances(party=party), maturities=maturities, undated=undated,
            withdrawals_url=reverse(f"{ns}:withdrawal-list"), finance_url=reverse(f"{ns}:finance"),
            **statement_context(party=party, params=self.request.GET, csv_url=reverse(f"{ns}:statement-csv"),
                                xlsx_url=reverse(f"{ns}:statement-xlsx")),
        )
        audit_read(actor=self.request.user, target=party, what="statement",
                   details={"format": "page", "period": context["period"].query()})
        return context


class StatementExport(View):
    kind = "csv"

    def get(self, request, *args, **kwargs):
        audit_read(actor=request.user, target=self.membership.party, what="statement",
                   details={"format": self.kind, "period": period_from(request.GET).query()})
        return export_response(party=self.membership.party, params=request.GET, kind=self.kind)


class SupplierFinanceView(SupplierPortalMixin, FinancePage):
    namespace = "supplier"


class SupplierStatementCsv(SupplierPortalMixin, StatementExport):
    kind = "csv"


class SupplierStatementXlsx(SupplierPortalMixin, StatementExport):
    kind = "xlsx"


class DistributorFinanceView(DistributorPortalMixin, FinancePage):
    namespace = "distributor"


class DistributorStatementCsv(DistributorPortalMixin, StatementExport):
    kind = "csv"


class DistributorStatementXlsx(DistributorPortalMixin, StatementExport):
    kind = "xlsx"
