"""Distributor portal pages, scoped to the distributor the user acts for."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from parties.models import PartyKind
from parties.selectors import member_list, store_list
from portal.mixins import PortalViewMixin


class DistributorPortalMixin(PortalViewMixin):
    portal_kind = PartyKind.DISTRIBUTOR
    portal_title = _("Distributor portal")
    portal_nav = [
        ("distributor:home", _("Overview")),
        ("distributor:store-list", _("Stores")),
        ("distributor:member-list", _("Team")),
    ]


class HomeView(DistributorPortalMixin, TemplateView):
    template_name = "distributor/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stores"] = store_list(scope=self.scope)
        context["member_count"] = member_list(scope=self.scope).count()
        return context


class StoreListView(DistributorPortalMixin, ListView):
    template_name = "distributor/store_list.html"
    context_object_name = "stores"

    def get_queryset(self):
        return store_list(scope=self.scope)


class StoreDetailView(DistributorPortalMixin, DetailView):
    template_name = "distributor/store_detail.html"
    context_object_name = "store"

    def get_object(self, queryset=None):
        return get_object_or_404(store_list(scope=self.scope), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["store_members"] = member_list(scope=self.scope).filter(store=self.object)
        return context


class MemberListView(DistributorPortalMixin, ListView):
    template_name = "portal/member_list.html"
    context_object_name = "members"

    def get_queryset(self):
        return member_list(scope=self.scope)
