"""Store admin portal pages (phone-first), scoped to the store the user works in."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from parties.models import PartyKind
from portal import people
from portal.mixins import PortalViewMixin, bound_to_portal
from storeadmin.selectors import store_today


class StoreAdminPortalMixin(PortalViewMixin):
    portal_kind = PartyKind.STORE
    portal_title = _("Store admin")
    portal_nav = [  # the day's work first: a phone shows the first few without scrolling the menu
        ("storeadmin:home", _("Today")),
        ("storeadmin:fulfilment-list", _("To ship")),
        ("storeadmin:wave-list", _("Pick waves")),
        ("storeadmin:pos", _("Point of sale")),
        ("storeadmin:stock", _("Stock")),
        ("storeadmin:stocktake-list", _("Stocktakes")),
        ("storeadmin:return-list", _("Returns")),
        ("storeadmin:delivery", _("Delivery and returns")),
        ("storeadmin:storefront", _("Storefront")),
        ("storeadmin:member-list", _("Staff")),
        ("storeadmin:api-token-list", _("API tokens")),
        ("storeadmin:webhook-list", _("Webhooks")),
    ]


class HomeView(StoreAdminPortalMixin, TemplateView):
    template_name = "storeadmin/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["store"] = self.membership.store
        context["today"] = store_today(scope=self.scope, store=self.membership.store)
        return context


# The People page (roles in force and lapsed, what each role may do) with giving and revoking roles: portal.people.
MemberListView, MemberGrantView, MemberRevokeView = bound_to_portal(
    StoreAdminPortalMixin, people.VIEWS, namespace="storeadmin").values()
