"""Supplier portal pages. Every query goes through the scoping helper via the portal mixin."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from parties.models import PartyKind
from parties.selectors import member_list, store_list, warehouse_list
from portal.mixins import PortalViewMixin


class SupplierPortalMixin(PortalViewMixin):
    portal_kind = PartyKind.SUPPLIER
    portal_title = _("Supplier portal")
    portal_nav = [
        ("supplier:home", _("Overview")),
        ("supplier:warehouse-list", _("Warehouses")),
        ("supplier:member-list", _("Team")),
    ]


class HomeView(SupplierPortalMixin, TemplateView):
    template_name = "supplier/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["warehouses"] = warehouse_list(scope=self.scope)
        context["stores"] = store_list(scope=self.scope)
        context["member_count"] = member_list(scope=self.scope).count()
        return context


class WarehouseListView(SupplierPortalMixin, ListView):
    template_name = "supplier/warehouse_list.html"
    context_object_name = "warehouses"

    def get_queryset(self):
        return warehouse_list(scope=self.scope)


class WarehouseDetailView(SupplierPortalMixin, DetailView):
    template_name = "supplier/warehouse_detail.html"
    context_object_name = "warehouse"

    def get_object(self, queryset=None):
        return get_object_or_404(warehouse_list(scope=self.scope), pk=self.kwargs["pk"])


class MemberListView(SupplierPortalMixin, ListView):
    template_name = "portal/member_list.html"
    context_object_name = "members"

    def get_queryset(self):
        return member_list(scope=self.scope)
