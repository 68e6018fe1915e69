"""Store admin portal pages (phone-first), scoped to the store the user works in."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView

from parties.models import PartyKind
from parties.selectors import member_list
from portal.mixins import PortalViewMixin


class StoreAdminPortalMixin(PortalViewMixin):
    portal_kind = PartyKind.STORE
    portal_title = _("Store admin")
    portal_nav = [
        ("storeadmin:home", _("Today")),
        ("storeadmin:member-list", _("Staff")),
        ("storeadmin:delivery", _("Delivery and returns")),
        ("storeadmin:storefront", _("Storefront")),
        ("storeadmin:return-list", _("Returns")),
        ("storeadmin:fulfilment-list", _("To ship")),
        ("storeadmin:wave-list", _("Pick waves")),
        ("storeadmin:stock", _("Stock")),
        ("storeadmin:stocktake-list", _("Stocktakes")),
        ("storeadmin:pos", _("Point of sale")),
    ]


class HomeView(StoreAdminPortalMixin, TemplateView):
    template_name = "storeadmin/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["store"] = self.membership.store
        return context


class MemberListView(StoreAdminPortalMixin, ListView):
    template_name = "portal/member_list.html"
    context_object_name = "members"

    def get_queryset(self):
        return member_list(scope=self.scope)
