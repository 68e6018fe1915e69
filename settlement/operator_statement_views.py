"""Operator statements: every supplier and distributor with its balances, and any party's statement and exports.

Mounted in the back-office (staff only, see backoffice.apps); thin: parse the request, call the selectors.
"""

from collections import defaultdict

from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from audit.services import audit_read
from parties.models import Distributor, Supplier
from settlement.models import Posting
from settlement.portal_views import export_response, statement_context
from settlement.selectors import ZERO, Balances, money, party_balances
from settlement.statements import period_from, upcoming_maturities

KINDS = {"supplier": Supplier, "distributor": Distributor}
LIMIT = 200


def _party(kind: str, pk: int):
    model = KINDS.get(kind)
    if model is None:
        raise Http404
    return get_object_or_404(model, pk=pk)


def _balances_of(kind: str, ids: list[int], currency: str = "CNY") -> dict[int, Balances]:
    """{party id: Balances} for many parties of one kind (one query)."""
    sums: dict = defaultdict(dict)
    rows = (Posting.objects.filter(account__holder=kind, **{f"account__{kind}_id__in": ids}, currency=currency)
            .values(f"account__{kind}_id", "account__purpose").annotate(total=Sum("amount"))
            .values_list(f"account__{kind}_id", "account__purpose", "total"))
    for party_id, purpose, total in rows:
        sums[party_id][purpose] = money(total)
    return {pk: Balances(currency=currency, pending=sums[pk].get("pending", ZERO),
                         available=sums[pk].get("available", ZERO), withdrawing=sums[pk].get("withdrawing", ZERO))
            for pk in ids}


class StatementPartyListView(TemplateView):
    """Suppliers and distributors with their balances; search by name or slug."""

    template_name = "settlement/backoffice/statement_parties.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        search = self.request.GET.get("q", "").strip()
        groups = []
        for kind, model in KINDS.items():
            parties = model.objects.order_by("name", "pk")
            if search:
                parties = parties.filter(Q(name__icontains=search) | Q(name_zh__icontains=search)
                                         | Q(slug__icontains=search))
            parties = list(parties[:LIMIT + 1])
            more = len(parties) > LIMIT
            parties = parties[:LIMIT]
            balances = _balances_of(kind, [p.pk for p in parties])
            groups.append({"kind": kind, "label": model._meta.verbose_name_plural, "more": more,
                           "rows": [(party, balances[party.pk]) for party in parties]})
        context.update(groups=groups, search=search, limit=LIMIT)
        return context


class StatementPartyView(TemplateView):
    """One party's balances and statement for a period, with its CSV and Excel downloads."""

    template_name = "settlement/backoffice/statement_party.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind, pk = self.kwargs["kind"], self.kwargs["pk"]
        party = _party(kind, pk)
        args = {"kind": kind, "pk": pk}
        maturities, undated = upcoming_maturities(party=party)
        context.update(
            party=party, kind=kind, balances=party_balances(party=party), maturities=maturities, undated=undated,
            finance_url=reverse("dashboard:mp-statement-party", kwargs=args),
            **statement_context(party=party, params=self.request.GET,
                                csv_url=reverse("dashboard:mp-statement-party-csv", kwargs=args),
                                xlsx_url=reverse("dashboard:mp-statement-party-xlsx", kwargs=args)),
        )
        audit_read(actor=self.request.user, target=party, what="statement", party=party,
                   details={"format": "page", "period": context["period"].query()})
        return context


class StatementPartyExport(View):
    kind = "csv"

    def get(self, request, *args, **kwargs):
        party = _party(kwargs["kind"], kwargs["pk"])
        audit_read(actor=request.user, target=party, what="statement", party=party,
                   details={"format": self.kind, "period": period_from(request.GET).query()})
        return export_response(party=party, params=request.GET, kind=self.kind)


class StatementPartyCsv(StatementPartyExport):
    kind = "csv"


class StatementPartyXlsx(StatementPartyExport):
    kind = "xlsx"

