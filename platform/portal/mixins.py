"""The view base every portal page uses: sign-in, membership, scope, capability, shared chrome.

The role's capabilities are enforced here and nowhere else: `dispatch` looks up the page's URL name in
`parties.capabilities.PAGE_CAPABILITIES` and answers 403 naming the missing capability; the navigation shows only
the pages the acting membership may open.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.context import set_request_party
from parties.capabilities import UNMAPPED, page_capability, role_may_open
from portal.access import ChooseMembership, PortalDenied, resolve_membership


def capability_refusal(request, membership, view_name: str, nav=()):
    """The 403 page for a role without the page's capability, naming both."""
    needed = page_capability(view_name)
    label = needed.label if needed is not UNMAPPED else UNMAPPED.label
    message = _("Your role %(role)s at %(party)s does not include “%(capability)s”, which this page needs. Ask an "
                "owner or a manager of %(party)s to give you a role that does.") % {
        "role": membership.get_role_display(), "party": membership.party, "capability": label}
    return render(request, "portal/message.html", {"title": _("Not part of your role"), "message": message,
                                                   "membership": membership, "party": membership.party,
                                                   "portal_nav": list(nav)},
                  status=403)


class PortalViewMixin(LoginRequiredMixin):
    portal_kind: str = ""
    portal_title = ""
    portal_nav: list[tuple[str, str]] = []  # (url name, label)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.portal = resolve_membership(user=request.user, session=request.session, kind=self.portal_kind)
        except ChooseMembership:
            return redirect(f"{reverse('portal:landing')}?next={request.path}")
        except PortalDenied as denied:
            return render(request, "portal/message.html", {"title": denied.title, "message": denied.message},
                          status=403)
        request.portal = self.portal
        set_request_party(self.membership.party)
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if not role_may_open(self.membership.role, view_name):
            return capability_refusal(request, self.membership, view_name, nav=self.allowed_nav())
        return super().dispatch(request, *args, **kwargs)

    @property
    def scope(self):
        return self.portal.scope

    @property
    def membership(self):
        return self.portal.membership

    def allowed_nav(self) -> list[tuple[str, str]]:
        """The navigation entries the acting role may open (url, label)."""
        role = self.membership.role
        return [(reverse(name), label) for name, label in self.portal_nav if role_may_open(role, name)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            portal_kind=self.portal_kind,
            portal_title=self.portal_title,
            portal_nav=self.allowed_nav(),
            membership=self.membership,
            party=self.membership.party,
        )
        return context


def bound_to_portal(portal: type, views: dict[str, type], **attrs) -> dict[str, type]:
    """The same pages served in another portal: each view class mixed with the portal's mixin (plus `attrs`, e.g.
    the portal's URL namespace), keyed as given. One view per page serves the store admin and supplier portals."""
    return {name: type(f"{portal.__name__}{view.__name__}", (portal, view),
                       {"__module__": view.__module__, "__doc__": view.__doc__, **attrs})
            for name, view in views.items()}


# The portals whose parties hold API tokens and webhooks: the same integration pages serve both.
PARTY_PORTAL_MIXINS = {"supplier": "supplier.views.SupplierPortalMixin",
                       "storeadmin": "storeadmin.views.StoreAdminPortalMixin"}


def view_in_party_portal(pages: dict[str, type], page: str):
    """A view serving `pages[page]` in whichever party portal (supplier or store admin) its URL was reached
    through, bound to that portal's mixin and namespace on first use (imported late: those portals' URL modules
    include the pages' own)."""
    from django.http import Http404
    from django.utils.module_loading import import_string

    bound: dict[str, object] = {}

    def view(request, *args, **kwargs):
        namespace = request.resolver_match.namespace if request.resolver_match else ""
        if namespace not in bound:
            if namespace not in PARTY_PORTAL_MIXINS:
                raise Http404
            portal = import_string(PARTY_PORTAL_MIXINS[namespace])
            bound[namespace] = bound_to_portal(portal, {page: pages[page]}, namespace=namespace)[page].as_view()
        return bound[namespace](request, *args, **kwargs)

    view.__name__ = view.__qualname__ = page.replace("-", "_")
    return view
