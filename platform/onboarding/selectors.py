"""Queries about applications and plans, and the plan limits other capabilities ask before adding things.

Plan limits: a party's own plan applies, else the default plan, else no limit.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from oscar.core.loading import get_model

from distributor.models import TeamInvitation, TeamLink
from onboarding.models import Application
from parties.models import Distributor, Plan, Store, Supplier
from parties.scoping import Scope, scoped


def application_list(*, scope: Scope, status: str = "", kind: str = "") -> QuerySet[Application]:
    qs = scoped(Application.objects.select_related("decided_by", "supplier", "distributor"), scope=scope)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-pk")


def application_by_token(*, token: str) -> Application | None:
    """The applicant's own application; the token is the only key, so no scope applies."""
    return Application.objects.filter(token=token).first() if token else None


def team_invitation_by_token(*, token: str) -> TeamInvitation | None:
    """The invitation a link carries (used or not); the token is the only key, so no scope applies."""
    token = (token or "").strip()
    if not token or len(token) > 64:
        return None
    return TeamInvitation.objects.select_related("inviter", "used_by").filter(token=token).first()


def usable_team_invitation(*, token: str) -> TeamInvitation | None:
    """The invitation if it exists and was not used yet (None otherwise)."""
    invitation = team_invitation_by_token(token=token)
    return invitation if invitation is not None and invitation.used_at is None else None


@dataclass(frozen=True)
class ApplicationTeam:
    """What became of the team invitation an application carried."""

    invitation: TeamInvitation | None  # None: no invitation has this token any more
    upline: Distributor | None  # the team the created distributor belongs to now
    problem: str  # why joining the inviter's team failed at approval ("" when it did not fail)


def application_team(*, application: Application) -> ApplicationTeam | None:
    """None for an application that came without an invitation."""
    if not application.team_invitation_token:
        return None
    upline = None
    if application.distributor_id:
        link = TeamLink.objects.filter(distributor_id=application.distributor_id).select_related("upline").first()
        upline = link.upline if link else None
    return ApplicationTeam(invitation=team_invitation_by_token(token=application.team_invitation_token),
                           upline=upline, problem=application.team_join_problem)


def plan_list(*, scope: Scope) -> QuerySet[Plan]:
    return scoped(Plan.objects.all(), scope=scope).order_by("code")


def default_plan() -> Plan | None:
    return Plan.objects.filter(is_default=True).first()


def effective_plan(*, party: Supplier | Distributor | Store) -> Plan | None:
    return party.plan if party.plan_id else default_plan()


def plan_commission_rate(*, party: Supplier | Distributor | Store) -> Decimal:
    """The party's default commission rate; zero when no plan applies at all."""
    plan = effective_plan(party=party)
    return plan.default_commission_rate if plan else Decimal("0")


def supplier_product_count(*, supplier: Supplier) -> int:
    """Top-level oscar products (standalone or parent) the supplier sells, found through its stock records."""
    Product = get_model("catalogue", "Product")
    partner_id = supplier.partner_id
    return (
        Product.objects.filter(parent__isnull=True)
        .filter(Q(stockrecords__partner_id=partner_id) | Q(children__stockrecords__partner_id=partner_id))
        .distinct()
        .count()
    )


def plan_allows_more_products(*, supplier: Supplier, adding: int = 1, current: int | None = None) -> bool:
    """Whether the supplier's plan leaves room for `adding` more products.

    Pass `current` when the caller already knows the supplier's product count
    (for instance from the catalogue's own ownership table); otherwise it is
    counted from oscar's stock records.
    """
    plan = effective_plan(party=supplier)
    if plan is None or plan.max_products is None:
        return True
    if current is None:
        current = supplier_product_count(supplier=supplier)
    return plan_has_product_room(plan=plan, current=current, adding=adding)


def plan_has_product_room(*, plan: Plan | None, current: int, adding: int = 1) -> bool:
    """The product cap itself, for callers that already hold the plan and the count (the importer's rows)."""
    return plan is None or plan.max_products is None or current + adding <= plan.max_products


def plan_allows_more_stores(*, owner: Supplier | Distributor, adding: int = 1) -> bool:
    """Whether a distributor's (or a supplier's flagship) plan leaves room for `adding` more stores."""
    plan = effective_plan(party=owner)
    if plan is None or plan.max_stores is None:
        return True
    return store_count(owner=owner) + adding <= plan.max_stores


def store_count(*, owner: Supplier | Distributor) -> int:
    field = "supplier" if isinstance(owner, Supplier) else "distributor"
    return Store.objects.filter(**{field: owner}).count()
