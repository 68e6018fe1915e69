"""Commands for onboarding: submit, approve and reject applications; create, edit and assign plans.

Each checks its input, changes state and audits in one transaction. E-mails
go out only after the transaction commits (a rolled-back decision sends
nothing); a failed send is logged by Django's on_commit handling and does not
undo a committed decision, because the status page and the sign-in page's
password reset still reach the applicant.
"""

from decimal import Decimal
from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from audit.services import audit_record
from distributor.services import TeamError, team_join
from notifications.audiences import Audience
from notifications.services import event_emit
from onboarding import emails
from onboarding.models import Application
from onboarding.selectors import default_plan, store_count, supplier_product_count, usable_team_invitation
from onboarding.validators import validate_licence_image, validate_phone
from parties.models import Distributor, Membership, Plan, Role, Store, Supplier

Partner = get_model("partner", "Partner")

Party = Supplier | Distributor | Store
PARTY_MODELS = {Application.Kind.SUPPLIER: Supplier, Application.Kind.DISTRIBUTOR: Distributor}
REQUIRED_FIELDS = ("company_name", "contact_name", "email", "phone", "licence_number")
RATE_PLACES = Decimal("0.0001")
PLAN_FIELDS = ("code", "name", "name_zh", "max_products", "max_stores", "default_commission_rate", "is_default")


def _email_has_portal_role(email: str) -> bool:
    return Membership.objects.filter(Q(user__email__iexact=email) | Q(user__username__iexact=email)).exists()


def _duplicate_error(email: str, kind: str) -> ValidationError:
    return ValidationError({"email": _(
        "An application from %(email)s to become a %(kind)s is already waiting for review. "
        "Follow it with the link we e-mailed you."
    ) % {"email": email, "kind": Application.Kind(kind).label.lower()}})


@transaction.atomic
def application_submit(
    *,
    kind: str,
    company_name: str,
    contact_name: str,
    email: str,
    phone: str,
    licence_number: str,
    licence_image,
    company_name_zh: str = "",
    base_url: str = "",
    team_invitation: str = "",
) -> Application:
    """Record an application and e-mail the applicant the private link to its status page.

    `team_invitation` is the token of a distributor's team invitation link: a distributor application keeps
    it when the invitation exists and is unused (the applicant joins that team on approval); otherwise, and
    for suppliers, it is left out and the application goes ahead without it.
    """
    if kind not in Application.Kind.values:
        raise ValidationError(_("Unknown kind of application “%(kind)s”.") % {"kind": kind})
    values = {"company_name": company_name, "company_name_zh": company_name_zh, "contact_name": contact_name,
              "email": email, "phone": phone, "licence_number": licence_number}
    values = {field: (value or "").strip() for field, value in values.items()}
    values["email"] = values["email"].lower()
    missing = {field: _("This field is required.") for field in REQUIRED_FIELDS if not values[field]}
    if not licence_image:
        missing["licence_image"] = _("This field is required.")
    if missing:
        raise ValidationError(missing)
    email = values["email"]
    for field, validate in (("email", validate_email), ("phone", validate_phone)):
        try:
            validate(values[field])
        except ValidationError as error:
            raise ValidationError({field: error.messages}) from error
    try:
        suffix = validate_licence_image(licence_image)
    except ValidationError as error:
        raise ValidationError({"licence_image": error.messages}) from error
    if Application.objects.filter(email=email, kind=kind, status=Application.Status.SUBMITTED).exists():
        raise _duplicate_error(email, kind)
    if _email_has_portal_role(email):
        raise ValidationError({"email": _(
            "%(email)s already belongs to an account with a portal role. Sign in with it instead, "
            "or apply with another e-mail address.") % {"email": email}})
    licence_image.name = f"licence{suffix}"
    invitation = usable_team_invitation(token=team_invitation) if kind == Application.Kind.DISTRIBUTOR else None
    application = Application(kind=kind, licence_image=licence_image, language=translation.get_language() or "",
                              team_invitation_token=invitation.token if invitation else "", **values)
    try:
        with transaction.atomic():
            application.save()
            event_emit(kind="application.submitted", audiences=[Audience.operator()], params={
                "application": application.pk, "company": application.company_name,
                "contact": application.contact_name, "email": application.email, "kind": kind})
    except IntegrityError as error:  # a simultaneous duplicate lost the race to the one-open-per-e-mail rule
        raise _duplicate_error(email, kind) from error
    changes = {"kind": kind, "email": email}
    if invitation is not None:
        changes["invited_by"] = invitation.inviter_id  # the inviter, never the token (it is a key)
    audit_record(action="application.submit", target=application, changes=changes)
    transaction.on_commit(partial(emails.send_submitted, application.pk, base_url), robust=True)
    return application


def _lock_open(application: Application) -> Application:
    locked = Application.objects.select_for_update(of=("self",)).select_related("decided_by").get(pk=application.pk)
    if not locked.is_open:
        raise ValidationError(_(
            "This application was already %(status)s by %(who)s on %(when)s; nothing was changed."
        ) % {"status": locked.get_status_display().lower(),
             "who": locked.decided_by.get_username() if locked.decided_by else _("the operator"),
             "when": timezone.localtime(locked.decided_at).strftime("%Y-%m-%d %H:%M") if locked.decided_at else "?"})
    return locked


def _unique_slug(name: str, *, kind: str) -> str:
    """A readable slug free among the kind's parties (and, for suppliers, oscar partner codes)."""
    model = PARTY_MODELS[kind]
    base = slugify(name)[:50].strip("-") or kind
    candidate, n = base, 1
    while model.objects.filter(slug=candidate).exists() or (
        kind == Application.Kind.SUPPLIER and Partner.objects.filter(code=candidate).exists()
    ):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _join_invited_team(*, actor, application: Application, party) -> dict:
    """A distributor that applied through a team invitation joins the inviter's team.

    A join that is no longer possible (the invitation was used or deleted meanwhile) does not stop the
    approval: the reason is kept on the application for the operator, and returned for the audit log.
    """
    application.team_join_problem = ""
    if application.kind != Application.Kind.DISTRIBUTOR or not application.team_invitation_token:
        return {}
    try:
        link = team_join(actor=actor, token=application.team_invitation_token, distributor=party)
    except TeamError as error:  # team_join's own savepoint rolled back; the approval goes on
        application.team_join_problem = error.problem
        return {"team_join_problem": error.problem}
    return {"upline": link.upline_id}


@transaction.atomic
def application_approve(*, actor, application: Application, plan: Plan | None = None,
                        base_url: str = "") -> Application:
    """Create the party (a supplier with its oscar partner), its owner account and membership.

    The owner gets no password: the approval e-mail carries a one-time link
    to choose one. An e-mail address already holding a portal role is
    refused, so approval never hands a company to an existing member. A distributor that applied through
    a team invitation joins the inviter's team in the same transaction (see `_join_invited_team`).
    """
    locked = _lock_open(application)
    email = locked.email
    User = get_user_model()
    users = list(User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)))
    if _email_has_portal_role(email):
        raise ValidationError(_(
            "%(email)s has meanwhile got a portal role on another account. Reject this application "
            "and ask the applicant to use another e-mail address.") % {"email": email})
    if len(users) > 1:
        raise ValidationError(_(
            "Several accounts use %(email)s, so the owner cannot be chosen safely. Merge them in the "
            "user dashboard first.") % {"email": email})
    plan = plan or default_plan()
    kind = locked.kind
    slug = _unique_slug(locked.company_name, kind=kind)
    names = {"name": locked.company_name, "name_zh": locked.company_name_zh, "slug": slug, "plan": plan}
    if kind == Application.Kind.SUPPLIER:
        partner = Partner.objects.create(name=locked.company_name, code=slug)
        party = Supplier.objects.create(partner=partner, **names)
    else:
        party = Distributor.objects.create(**names)
    if users:  # a shopper account with this e-mail becomes the owner; its password stays
        user = users[0]
    else:
        user = User(username=email, email=email, first_name=locked.contact_name[:150])
        user.set_unusable_password()
        user.save()
    Membership.objects.create(user=user, role=Role.OWNER, **{kind: party})
    team = _join_invited_team(actor=actor, application=locked, party=party)
    locked.status = Application.Status.APPROVED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    setattr(locked, kind, party)
    locked.save(update_fields=["status", "decided_by", "decided_at", kind, "team_join_problem"])
    plan_code = plan.code if plan else None
    audit_record(action="application.approve", actor=actor, target=locked,
                 changes={"status": [Application.Status.SUBMITTED, Application.Status.APPROVED],
                          kind: party.pk, "plan": plan_code, "owner": email, **team})
    audit_record(action=f"{kind}.create", actor=actor, target=party,
                 changes={"application": locked.pk, "slug": slug, "plan": plan_code, "owner": email})
    event_emit(kind="application.approved", audiences=[Audience.user(user.pk)], params={
        "application": locked.pk, "company": locked.company_name})
    transaction.on_commit(partial(emails.send_approved, locked.pk, user.pk, base_url), robust=True)
    return locked


@transaction.atomic
def application_reject(*, actor, application: Application, reason: str, base_url: str = "") -> Application:
    """Refuse with a reason the applicant reads on the status page and in an e-mail."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for the rejection; the applicant will see it."))
    locked = _lock_open(application)
    locked.status = Application.Status.REJECTED
    locked.reject_reason = reason
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
    audit_record(action="application.reject", actor=actor, target=locked,
                 changes={"status": [Application.Status.SUBMITTED, Application.Status.REJECTED], "reason": reason})
    transaction.on_commit(partial(emails.send_rejected, locked.pk, base_url), robust=True)
    return locked


def _plan_values(plan: Plan) -> dict:
    """Plain values for the audit log, decimals at their stored precision so 0.05 and 0.0500 compare equal."""
    values = {}
    for field in PLAN_FIELDS:
        value = getattr(plan, field)
        if isinstance(value, Decimal):
            value = str(value.quantize(RATE_PLACES))
        values[field] = value
    return values


def _save_plan(plan: Plan) -> None:
    """Validate and save; a new default plan takes over from the old one in the same transaction."""
    if plan.is_default:
        Plan.objects.filter(is_default=True).exclude(pk=plan.pk).update(is_default=False)
    plan.full_clean()
    plan.save()


@transaction.atomic
def plan_create(*, actor, code: str, name: str, default_commission_rate, name_zh: str = "",
                max_products: int | None = None, max_stores: int | None = None, is_default: bool = False) -> Plan:
    plan = Plan(code=code, name=name, name_zh=name_zh, max_products=max_products, max_stores=max_stores,
                default_commission_rate=default_commission_rate, is_default=is_default)
    _save_plan(plan)
    audit_record(action="plan.create", actor=actor, target=plan, changes=_plan_values(plan))
    return plan


@transaction.atomic
def plan_update(*, actor, plan: Plan, **changes) -> Plan:
    """Change a plan's limits or rate; parties on it follow at once (they point to the plan)."""
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown plan fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    before = _plan_values(locked)
    for field, value in changes.items():
        setattr(locked, field, value)
    _save_plan(locked)
    after = _plan_values(locked)
    diff = {field: [before[field], after[field]] for field in PLAN_FIELDS if before[field] != after[field]}
    if diff:
        audit_record(action="plan.update", actor=actor, target=locked, changes=diff)
    return locked


@transaction.atomic
def party_assign_plan(*, actor, party: Party, plan: Plan | None) -> Party:
    """Put a supplier, distributor or store on a plan (None: back to the default plan).

    A plan whose limits the party already exceeds is refused, so limits stay true.
    """
    locked = type(party).objects.select_for_update(of=("self",)).select_related("plan").get(pk=party.pk)
    if locked.plan_id == (plan.pk if plan else None):
        raise ValidationError(_("%(party)s is already on %(plan)s.") % {
            "party": locked, "plan": plan or _("the default plan")})
    if plan is not None and plan.max_stores is not None and not isinstance(locked, Store):
        stores = store_count(owner=locked)
        if stores > plan.max_stores:
            raise ValidationError(_(
                "%(party)s has %(count)s stores and plan %(plan)s allows %(max)s. Choose a larger plan or "
                "close stores first.") % {"party": locked, "count": stores, "plan": plan, "max": plan.max_stores})
    if plan is not None and plan.max_products is not None and isinstance(locked, Supplier):
        products = supplier_product_count(supplier=locked)
        if products > plan.max_products:
            raise ValidationError(_(
                "%(party)s has %(count)s products and plan %(plan)s allows %(max)s. Choose a larger plan.")
                % {"party": locked, "count": products, "plan": plan, "max": plan.max_products})
    before = locked.plan.code if locked.plan_id else None
    locked.plan = plan
    locked.save(update_fields=["plan"])
    audit_record(action=f"{type(locked).__name__.lower()}.assign_plan", actor=actor, target=locked,
                 changes={"plan": [before, plan.code if plan else None]})
    return locked
