"""The view base every portal page uses: sign-in, membership, scope, shared chrome."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse

from portal.access import ChooseMembership, PortalDenied, resolve_membership


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
        return super().dispatch(request, *args, **kwargs)

    @property
    def scope(self):
        return self.portal.scope

    @property
    def membership(self):
        return self.portal.membership

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            portal_kind=self.portal_kind,
            portal_title=self.portal_title,
            portal_nav=[(reverse(name), label) for name, label in self.portal_nav],
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
