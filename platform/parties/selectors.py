"""Read-side queries about parties, always through the scoping helper."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from parties.models import LEADING_ROLES, Distributor, Membership, Store, Supplier, Warehouse, in_force_q
from parties.scoping import Scope, scoped


def supplier_list(*, scope: Scope, search: str = "") -> QuerySet[Supplier]:
    qs = scoped(Supplier.objects.all(), scope=scope)
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(name_zh__icontains=search)
    return qs.annotate(warehouse_count=Count("warehouses", distinct=True)).order_by("name")


def distributor_list(*, scope: Scope, search: str = "") -> QuerySet[Distributor]:
    qs = scoped(Distributor.objects.all(), scope=scope)
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(name_zh__icontains=search)
    return qs.annotate(store_count=Count("stores", distinct=True)).order_by("name")


def store_list(*, scope: Scope, search: str = "") -> QuerySet[Store]:
    qs = scoped(Store.objects.select_related("distributor", "supplier"), scope=scope)
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(name_zh__icontains=search)
    return qs.order_by("name")


def warehouse_list(*, scope: Scope) -> QuerySet[Warehouse]:
    return scoped(Warehouse.objects.select_related("supplier"), scope=scope).order_by("code")


def member_list(*, scope: Scope, lapsed: bool = False) -> QuerySet[Membership]:
    """The party's people (its stores' included); with `lapsed`, also ended grants (the People pages show both)."""
    manager = Membership.all_objects if lapsed else Membership.objects
    return scoped(
        manager.select_related("user", "supplier", "distributor", "store", "granted_by"), scope=scope
    ).order_by("pk")


def grant_list(*, status: str = "", search: str = "") -> QuerySet[Membership]:
    """The operator's list of grants (memberships given through the grant service, or with an end), any party.

    `status` "active" or "lapsed" narrows it; `search` matches the user's e-mail or the party's name or slug.
    """
    qs = Membership.all_objects.filter(Q(granted_by__isnull=False) | Q(expires_at__isnull=False))
    if status == "active":
        qs = qs.filter(in_force_q())
    elif status == "lapsed":
        qs = qs.filter(expires_at__lte=timezone.now())
    if search:
        condition = Q(user__email__icontains=search) | Q(user__username__icontains=search)
        for kind in ("supplier", "distributor", "store"):
            condition |= (Q(**{f"{kind}__name__icontains": search}) | Q(**{f"{kind}__name_zh__icontains": search})
                          | Q(**{f"{kind}__slug__icontains": search}))
        qs = qs.filter(condition)
    return qs.select_related("user", "supplier", "distributor", "store", "granted_by").order_by("-created_at", "-pk")


def memberships_of(*, user) -> list[Membership]:
    """Every membership a user holds and that is in force (a lapsed grant is ignored), parties joined."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user)
        .select_related("supplier", "distributor", "store__distributor", "store__supplier")
        .order_by("pk")
    )


def stores_led_by(*, user, store_ids) -> set[int]:
    """Of `store_ids`, the stores where `user` is an owner or a manager (one query)."""
    return set(Membership.objects.filter(user=user, store_id__in=store_ids, role__in=LEADING_ROLES)
               .values_list("store_id", flat=True))
