"""Operator pages inside oscar's dashboard: parties, stores, suspension, audit log.

The dashboard app config restricts every URL here to staff; the views
still go through the scoping helper with the operator scope so one code
path serves every portal.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from audit.models import AuditEvent
from backoffice.distribution_selectors import team_rows
from distributor.selectors import team_size, team_tree, upline_chain
from parties.models import Distributor, Plan, Store, Supplier
from parties.scoping import Scope, scoped
from parties.selectors import distributor_list, member_list, store_list, supplier_list, warehouse_list
from parties.services import party_set_status

OPERATOR = Scope.operator()
PARTY_MODELS = {"supplier": Supplier, "distributor": Distributor, "store": Store}
DETAIL_URLS = {"supplier": "dashboard:mp-supplier-detail", "distributor": "dashboard:mp-distributor-detail",
               "store": "dashboard:mp-store-detail"}


class SearchListView(ListView):
    paginate_by = 50
    selector = None

    def get_queryset(self):
        return type(self).selector(scope=OPERATOR, search=self.request.GET.get("q", "").strip())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["q"] = self.request.GET.get("q", "")
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
            history=AuditEvent.objects.filter(target_type__model=self.kind, target_id=str(party.pk))[:20],
            plans=scoped(Plan.objects.order_by("code"), scope=OPERATOR),  # for the plan form
        )
        if self.kind == "distributor":
            tree = team_tree(distributor=party)
            context.update(upline=upline_chain(distributor=party, levels=None), team=team_rows(tree),
                           team_size=team_size(tree))
        return context


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
