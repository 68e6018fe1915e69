"""Operator pages inside oscar's dashboard: parties, stores, suspension, audit log.

The dashboard app config restricts every URL here to staff; the views
still go through the scoping helper with the operator scope so one code
path serves every portal.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from audit.models import AuditEvent
from backoffice.distribution_selectors import team_rows
from distributor.selectors import team_size, team_tree, upline_chain
from parties.models import Distributor, PartyStatus, Plan, Store, Supplier
from parties.scoping import Scope, scoped
from parties.selectors import distributor_list, member_list, store_list, supplier_list, warehouse_list
from parties.services import party_set_status
from settlement.selectors import party_balances

OPERATOR = Scope.operator()
PARTY_MODELS = {"supplier": Supplier, "distributor": Distributor, "store": Store}
DETAIL_URLS = {"supplier": "dashboard:mp-supplier-detail", "distributor": "dashboard:mp-distributor-detail",
               "store": "dashboard:mp-store-detail"}


NO_PLAN = "default"  # the plan filter's value for parties on the default plan (no plan of their own)


class SearchListView(ListView):
    """Search by name, filter by status and plan (an unknown filter value filters nothing)."""

    paginate_by = 50
    selector = None

    def filters(self) -> dict:
        status = self.request.GET.get("status", "")
        plan = self.request.GET.get("plan", "")
        return {"q": self.request.GET.get("q", "").strip(),
                "status": status if status in PartyStatus.values else "",
                "plan": plan if plan == NO_PLAN or plan in {p.code for p in self.plans()} else ""}

    def plans(self) -> list:
        if not hasattr(self, "_plans"):
            self._plans = list(scoped(Plan.objects.order_by("code"), scope=OPERATOR))
        return self._plans

    def get_queryset(self):
        f = self.filters()
        qs = type(self).selector(scope=OPERATOR, search=f["q"])
        if f["status"]:
            qs = qs.filter(status=f["status"])
        if f["plan"] == NO_PLAN:
            qs = qs.filter(plan__isnull=True)
        elif f["plan"]:
            qs = qs.filter(plan__code=f["plan"])
        return qs.select_related("plan")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        f = self.filters()
        context.update(q=f["q"], filters=f, statuses=PartyStatus.choices, plans=self.plans(), no_plan=NO_PLAN)
        return context


class SupplierListView(SearchListView):
    template_name = "backoffice/supplier_list.html"
    selector = supplier_list


class DistributorListView(SearchListView):
    template_name = "backoffice/distributor_list.html"
    selector = distributor_list


class StoreListView(SearchListView):
    template_name = "backoffice/store_list.html"
    selector = store_list


class PartyDetailView(DetailView):
    kind = ""
    template_name = "backoffice/party_detail.html"
    context_object_name = "party"

    def get_object(self, queryset=None):
        model = PARTY_MODELS[self.kind]
        return get_object_or_404(scoped(model.objects.all(), scope=OPERATOR), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        party = self.object
        scope = Scope.for_party(party)
        context.update(
            kind=self.kind,
            members=member_list(scope=scope),
            stores=store_list(scope=scope) if self.kind != "store" else [],
            warehouses=warehouse_list(scope=scope) if self.kind == "supplier" else [],
            history=party_activity(party=party, store_ids=scope.store_ids),
            plans=scoped(Plan.objects.order_by("code"), scope=OPERATOR),  # for the plan form
            balance_owner=party.owner if self.kind == "store" else party,
        )
        context["balances"] = party_balances(party=context["balance_owner"], currency=settings.OSCAR_DEFAULT_CURRENCY)
        if self.kind == "distributor":
            tree = team_tree(distributor=party)
            context.update(upline=upline_chain(distributor=party, levels=None), team=team_rows(tree),
                           team_size=team_size(tree))
        return context


def party_activity(*, party, store_ids) -> list[AuditEvent]:
    """The last 20 audit events whose target is the party or one of its stores (one query)."""
    store_type = ContentType.objects.get_for_model(Store)
    condition = Q(target_type=ContentType.objects.get_for_model(party), target_id=str(party.pk))
    if store_ids:
        condition |= Q(target_type=store_type, target_id__in=[str(pk) for pk in store_ids])
    return list(AuditEvent.objects.filter(condition).order_by("-at", "-pk")[:20])


class SupplierDetailView(PartyDetailView):
    kind = "supplier"


class DistributorDetailView(PartyDetailView):
    kind = "distributor"


class StoreDetailView(PartyDetailView):
    kind = "store"


class PartyStatusView(View):
    """Suspend or reactivate a party; a bad request changes nothing and says why."""

    def post(self, request, kind, pk):
        model = PARTY_MODELS.get(kind)
        if model is None:
            raise Http404
        party = get_object_or_404(model, pk=pk)
        try:
            party_set_status(actor=request.user, party=party, status=request.POST.get("status", ""),
                             reason=request.POST.get("reason", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(party)s is now %(status)s.") % {
                "party": party, "status": model.objects.get(pk=pk).get_status_display().lower()})
        return redirect(DETAIL_URLS[kind], pk=pk)
