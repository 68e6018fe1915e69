"""The People page of each portal: who has which role (in force or lapsed), what each role may do, and — for owners
and managers — giving a role by e-mail (for good or until a moment) and revoking one early.

Written once and bound to each portal's mixin with `portal.mixins.bound_to_portal` (`namespace` is the portal's
URL namespace). The rules live in `parties.grants`; these views parse the form and show the refusals.
"""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from parties import grants
from parties.capabilities import capability_table
from parties.models import ROLE_RANK, Role, Store
from parties.selectors import member_list, store_list


def parse_until(raw: str) -> tuple[datetime | None, str]:
    """A `datetime-local` value (YYYY-MM-DDTHH:MM, local time) → aware datetime; "" → None. Returns (value, error)."""
    raw = (raw or "").strip()
    if not raw:
        return None, ""
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        return None, _("“%(value)s” is not a date and time (use YYYY-MM-DD HH:MM).") % {"value": raw}
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value, ""


class PeopleMixin:
    namespace = ""

    def places(self) -> list[tuple[str, object]]:
        """Where a role may be given from this portal: the party itself and (supplier, distributor) its stores."""
        party = self.membership.party
        found = [(f"{grants.kind_of(party)}:{party.pk}", party)]
        if not isinstance(party, Store):
            found += [(f"store:{store.pk}", store) for store in store_list(scope=self.scope)]
        return found

    def rank(self) -> int:
        rights = grants.grant_rights(actor=self.request.user, party=self.membership.party)
        return rights[0].rank if rights else 0

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rank = self.rank()
        members = list(member_list(scope=self.scope, lapsed=True))
        for member in members:
            member.revocable = (rank and not member.is_lapsed and member.user_id != self.request.user.pk
                                and ROLE_RANK[member.role] <= rank)
        context.update(
            members=members, table=capability_table(), can_grant=bool(rank), places=self.places(),
            roles=[(value, label) for value, label in Role.choices if ROLE_RANK[value] <= rank],
            namespace=self.namespace, values=kwargs.get("values", {}), errors=kwargs.get("errors", []),
        )
        return context


class MemberListBase(PeopleMixin, TemplateView):
    template_name = "portal/member_list.html"


class MemberGrantBase(PeopleMixin, TemplateView):
    """POST: give a role by e-mail; a refusal shows the page again with the form as typed and the reasons."""

    template_name = "portal/member_list.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        values = {key: request.POST.get(key, "").strip() for key in ("email", "place", "role", "until")}
        places = dict(self.places())
        until, error = parse_until(values["until"])
        errors = [error] if error else []
        if values["place"] not in places:
            errors.append(_("Choose where the role applies."))
        if not errors:
            try:
                membership, created = grants.membership_invite(
                    actor=request.user, email=values["email"], party_or_store=places[values["place"]],
                    role=values["role"], expires_at=until, base_url=request.build_absolute_uri("/"))
            except ValidationError as refused:
                errors += refused.messages
        if errors:
            return self.render_to_response(self.get_context_data(values=values, errors=errors))
        text = (_("%(email)s now has the role %(role)s at %(party)s until %(end)s.") if until
                else _("%(email)s now has the role %(role)s at %(party)s."))
        messages.success(request, text % {"email": membership.user.email, "role": membership.get_role_display(),
                                          "party": membership.party, "end": grants.when(until) if until else ""})
        if created:
            messages.info(request, _("An account was opened for %(email)s; they got an e-mail to choose a password.")
                          % {"email": membership.user.email})
        return redirect(f"{self.namespace}:member-list")


class MemberRevokeBase(PeopleMixin, TemplateView):
    """GET asks for confirmation; POST ends the role now. A member of another party is a 404."""

    template_name = "portal/member_revoke.html"

    def get_member(self):
        return get_object_or_404(member_list(scope=self.scope, lapsed=True), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member"] = self.get_member()
        return context

    def post(self, request, *args, **kwargs):
        revoke_and_tell(request, self.get_member())
        return redirect(f"{self.namespace}:member-list")


def revoke_and_tell(request, membership) -> None:
    """End `membership` now for `request.user` (portal People page or back-office), saying what happened."""
    try:
        grants.membership_revoke(actor=request.user, membership=membership)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(email)s no longer has the role %(role)s at %(party)s.") % {
            "email": membership.user.email, "role": membership.get_role_display(), "party": membership.party})


VIEWS = {"list": MemberListBase, "grant": MemberGrantBase, "revoke": MemberRevokeBase}
