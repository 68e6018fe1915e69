"""Giving roles and taking them back: on a supplier, a distributor or one of their stores, for good or until a moment.

Who may grant: an owner or manager of that party (for a store, also of the distributor or supplier that owns it),
or the operator. Nobody grants a role above their own or access that outlives their own: a grantor whose membership
ends at T only gives grants ending by T. A grant past its end lapses by itself (`Membership.objects` no longer sees
it); revoking early ends it now. Every refusal is a ValidationError naming the reason, and nothing is written.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from audit.services import audit_record, party_kind, saved_user
from parties.locking import lock_rows
from parties.models import LEADING_ROLES, ROLE_RANK, Distributor, Membership, Role, Store, Supplier

Party = Supplier | Distributor | Store
def kind_of(party) -> str:
    kind = party_kind(party)
    if not kind:
        raise ValidationError(_("Roles are given on a supplier, a distributor or a store."))
    return kind


def when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class Rights:
    """What a grantor may give on one party: roles up to `rank`, access ending no later than `until` (None: ever)."""

    rank: int
    until: datetime | None


def is_operator(user) -> bool:
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", False))


def _leading_q(party) -> Q:
    """Memberships that lead `party`: its own, and for a store also its owner's."""
    kind = kind_of(party)
    condition = Q(**{kind: party})
    if kind == "store":
        condition |= Q(distributor_id=party.distributor_id) if party.distributor_id else Q(
            supplier_id=party.supplier_id)
    return condition


def grant_rights(*, actor, party) -> list[Rights]:
    """Each way `actor` may give roles on `party` (empty: not at all). The operator's rights are unlimited."""
    if is_operator(actor):
        return [Rights(rank=ROLE_RANK[Role.OWNER], until=None)]
    if not getattr(actor, "pk", None):
        return []
    rows = Membership.objects.filter(_leading_q(party), user=actor, role__in=LEADING_ROLES)
    return sorted((Rights(rank=ROLE_RANK[m.role], until=m.expires_at) for m in rows),
                  key=lambda r: (-r.rank, r.until is not None, -(r.until or timezone.now()).timestamp()))


def _refusals(rights: Rights, *, role: str, expires_at, party) -> list[str]:
    problems = []
    if ROLE_RANK[role] > rights.rank:
        problems.append(_("You cannot give the role %(role)s: it is above your own.") % {
            "role": Role(role).label})
    if rights.until is not None:
        if expires_at is None:
            problems.append(_("Your own access to %(party)s ends on %(until)s, so a role you give must end by then "
                              "too: set an end.") % {"party": party, "until": when(rights.until)})
        elif expires_at > rights.until:
            problems.append(_("The role would last until %(end)s, after your own access to %(party)s ends "
                              "(%(until)s). Choose an end no later than that.")
                            % {"end": when(expires_at), "party": party, "until": when(rights.until)})
    return problems


def _check_rights(*, actor, party, role: str, expires_at) -> None:
    rights = grant_rights(actor=actor, party=party)
    if not rights:
        raise ValidationError(_("You may not give roles on %(party)s: only its owner or a manager (or the "
                                "marketplace operator) can.") % {"party": party})
    refusals = [_refusals(r, role=role, expires_at=expires_at, party=party) for r in rights]
    if all(refusals):
        raise ValidationError(refusals[0])


@transaction.atomic
def membership_grant(*, actor, user, party_or_store: Party, role: str, expires_at: datetime | None = None
                     ) -> Membership:
    """Give `user` the `role` on a supplier, distributor or store, for good or until `expires_at`.

    A lapsed membership of the user on that party is given again (its row reused); one in force is refused.
    """
    party = party_or_store
    kind = kind_of(party)
    if role not in Role.values:
        raise ValidationError(_("Choose a role: owner, manager, staff, finance or warehouse."))
    if user is None or not getattr(user, "pk", None) or not user.is_active:
        raise ValidationError(_("That account cannot sign in (it is missing or deactivated)."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("The end %(end)s is already past; choose a moment in the future.")
                              % {"end": when(expires_at)})
    if not is_operator(actor) and user.pk == getattr(actor, "pk", None):
        raise ValidationError(_("You cannot change your own role; ask another owner or the marketplace operator."))
    _check_rights(actor=actor, party=party, role=role, expires_at=expires_at)
    rows = lock_rows(Membership.all_objects.filter(user=user, **{kind: party}))
    existing = rows[0] if rows else None
    if existing is not None and not existing.is_lapsed:
        raise ValidationError(_("%(user)s already has the role %(role)s at %(party)s; revoke it first to change it.")
                              % {"user": user.email or user.get_username(), "role": existing.get_role_display(),
                                 "party": party})
    before = {"role": existing.role, "expires_at": existing.expires_at.isoformat()} if existing else None
    membership = existing or Membership(user=user, **{kind: party})
    membership.role, membership.expires_at, membership.granted_by = role, expires_at, saved_user(actor)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as clash:  # a first grant to the same user made by someone else at this very moment
        raise ValidationError(_("%(user)s was just given a role at %(party)s by someone else; reload the page.")
                              % {"user": user.email or user.get_username(), "party": party}) from clash
    audit_record(action="membership.grant", actor=actor, target=membership, party=party, changes={
        "user": user.email or user.get_username(), "role": role, "kind": kind,
        "expires_at": expires_at.isoformat() if expires_at else None, "before": before})
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> Membership:
    """End a membership now (a grant before its end, or a permanent role). It then shows as lapsed."""
    # the party's owners are locked too: two owners revoking each other queue, so one owner always stays
    owners = Q(**{membership.kind: membership.party}, role=Role.OWNER)
    rows = lock_rows(Membership.all_objects.filter(Q(pk=membership.pk) | owners))
    locked = next(row for row in rows if row.pk == membership.pk)
    party = locked.party
    if locked.is_lapsed:
        raise ValidationError(_("This role already ended on %(end)s.") % {"end": when(locked.expires_at)})
    if not is_operator(actor) and locked.user_id == getattr(actor, "pk", None):
        raise ValidationError(_("You cannot revoke your own role; ask another owner or the marketplace operator."))
    rights = grant_rights(actor=actor, party=party)
    if not rights:
        raise ValidationError(_("You may not take roles away at %(party)s: only its owner or a manager (or the "
                                "marketplace operator) can.") % {"party": party})
    if ROLE_RANK[locked.role] > rights[0].rank:
        raise ValidationError(_("You cannot revoke the role %(role)s: it is above your own.")
                              % {"role": locked.get_role_display()})
    if (locked.role == Role.OWNER and locked.kind != "store"
            and not Membership.objects.filter(**{locked.kind: party}, role=Role.OWNER).exclude(pk=locked.pk).exists()):
        raise ValidationError(_("%(user)s is the only owner of %(party)s; make someone else an owner first.")
                              % {"user": locked.user.email, "party": party})
    before = locked.expires_at
    locked.expires_at = timezone.now()
    locked.save(update_fields=["expires_at"])
    audit_record(action="membership.revoke", actor=actor, target=locked, party=party, changes={
        "user": locked.user.email, "role": locked.role, "expires_at": [before.isoformat() if before else None,
                                                                       locked.expires_at.isoformat()]})
    return locked


@transaction.atomic
def membership_invite(*, actor, email: str, party_or_store: Party, role: str, expires_at: datetime | None = None,
                      base_url: str = "") -> tuple[Membership, bool]:
    """`membership_grant` to the account with this e-mail, or to a new account (an invitation) when there is none.

    A new account has no password: the e-mail sent after commit carries a link to choose one. Returns the
    membership and whether the account was created. A refused grant creates no account.
    """
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("Enter a valid e-mail address.")) from None
    User = get_user_model()
    users = list(User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))[:2])
    if len(users) > 1:
        raise ValidationError(_("Several accounts use %(email)s; ask the marketplace operator to merge them first.")
                              % {"email": email})
    created = not users
    if created:
        user = User(username=email.lower(), email=email.lower())
        user.set_unusable_password()
        user.save()
    else:
        user = users[0]
    membership = membership_grant(actor=actor, user=user, party_or_store=party_or_store, role=role,
                                  expires_at=expires_at)
    transaction.on_commit(partial(send_granted, membership.pk, base_url), robust=True)
    return membership, created


def send_granted(membership_id: int, base_url: str = "") -> None:
    """Tell the user about the role; a new account's e-mail carries the link to choose a password."""
    from portal.links import absolute_url

    membership = Membership.all_objects.select_related("user", "granted_by", "supplier", "distributor",
                                                       "store").get(pk=membership_id)
    user = membership.user
    link = absolute_url(reverse("portal:login"), base_url=base_url)
    if not user.has_usable_password():
        link = absolute_url(reverse("password-reset-confirm", kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user)}), base_url=base_url)
    context = {"membership": membership, "link": link, "new_account": not user.has_usable_password(),
               "until": when(membership.expires_at) if membership.expires_at else ""}
    send_mail(_("Your role at %(party)s: %(role)s") % {"party": membership.party,
                                                       "role": membership.get_role_display()},
              render_to_string("portal/email/membership_granted.txt", context),
              settings.DEFAULT_FROM_EMAIL, [user.email])
