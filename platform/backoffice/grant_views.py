"""Temporary grants in the back-office: every role given through the grant service (in force and lapsed), the
operator giving one on any party or store, and revoking one early. Staff only (see backoffice.apps)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from backoffice.views import PARTY_MODELS
from parties import grants
from parties.models import Membership, PartyKind, Role
from parties.selectors import grant_list
from portal.people import parse_until, revoke_and_tell

STATUSES = ("active", "lapsed")


class GrantListView(ListView):
    template_name = "backoffice/grant_list.html"
    context_object_name = "grants"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status", "")
        self.filters = {"status": status if status in STATUSES else "", "q": self.request.GET.get("q", "").strip()}
        return grant_list(status=self.filters["status"], search=self.filters["q"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(filters=self.filters, roles=Role.choices, kinds=PartyKind.choices,
                       values=kwargs.get("values", {}), errors=kwargs.get("errors", []))
        return context


class GrantCreateView(GrantListView):
    """POST: the operator gives a role by e-mail on a party named by kind and slug."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        values = {key: request.POST.get(key, "").strip() for key in ("email", "kind", "slug", "role", "until")}
        until, error = parse_until(values["until"])
        errors = [error] if error else []
        model = PARTY_MODELS.get(values["kind"])
        party = model.objects.filter(slug=values["slug"]).first() if model else None
        if party is None:
            errors.append(_("No %(kind)s has the slug “%(slug)s”.") % {"kind": values["kind"] or _("party"),
                                                                        "slug": values["slug"]})
        if not errors:
            try:
                membership, _created = grants.membership_invite(
                    actor=request.user, email=values["email"], party_or_store=party, role=values["role"],
                    expires_at=until, base_url=request.build_absolute_uri("/"))
            except ValidationError as refused:
                errors += refused.messages
        if errors:
            self.object_list = self.get_queryset()
            return self.render_to_response(self.get_context_data(values=values, errors=errors))
        messages.success(request, _("%(email)s now has the role %(role)s at %(party)s.") % {
            "email": membership.user.email, "role": membership.get_role_display(), "party": membership.party})
        return redirect("dashboard:mp-grant-list")


class GrantRevokeView(View):
    """POST: end a grant now."""

    http_method_names = ["post"]

    def post(self, request, pk):
        revoke_and_tell(request, get_object_or_404(Membership.all_objects.select_related("user"), pk=pk))
        return redirect("dashboard:mp-grant-list")
