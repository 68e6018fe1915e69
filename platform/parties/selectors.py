"""Read-side queries about parties, always through the scoping helper."""

from django.db.models import Count, QuerySet

from parties.models import LEADING_ROLES, Distributor, Membership, Store, Supplier, Warehouse
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


def member_list(*, scope: Scope) -> QuerySet[Membership]:
    return scoped(
        Membership.objects.select_related("user", "supplier", "distributor", "store"), scope=scope
    ).order_by("pk")


def memberships_of(*, user) -> list[Membership]:
    """Every membership a user holds, parties joined, in a stable order."""
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
