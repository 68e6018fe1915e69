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
