"""The one helper that decides which parties and stores a user may see and act for.

Every portal query runs through `scoped()`. A model takes part by
registering, per party kind, the lookups that lead from it to a supplier,
a distributor or a store id; an unregistered model is refused rather than
shown unscoped.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet

_REGISTRY: dict[type[Model], dict[str, tuple[str, ...]]] = {}


def register_scope(model: type[Model], *, supplier=(), distributor=(), store=()) -> None:
    """Declare how rows of `model` belong to suppliers, distributors and stores."""

    def as_tuple(value):
        return (value,) if isinstance(value, str) else tuple(value)

    _REGISTRY[model] = {
        "supplier": as_tuple(supplier),
        "distributor": as_tuple(distributor),
        "store": as_tuple(store),
    }


@dataclass(frozen=True)
class Scope:
    """What one acting user (in one chosen membership, or as operator) may reach."""

    is_operator: bool = False
    supplier_ids: frozenset[int] = field(default_factory=frozenset)
    distributor_ids: frozenset[int] = field(default_factory=frozenset)
    store_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def operator(cls) -> "Scope":
        return cls(is_operator=True)

    @classmethod
    def nothing(cls) -> "Scope":
        return cls()

    @classmethod
    def for_membership(cls, membership) -> "Scope":
        return cls.for_party(membership.party)

    @classmethod
    def for_party(cls, party) -> "Scope":
        """What the party itself reaches: a supplier or distributor with its stores, or one store."""
        from parties.models import Distributor, Store, Supplier

        if isinstance(party, Supplier):
            stores = Store.objects.filter(supplier_id=party.pk).values_list("pk", flat=True)
            return cls(supplier_ids=frozenset({party.pk}), store_ids=frozenset(stores))
        if isinstance(party, Distributor):
            stores = Store.objects.filter(distributor_id=party.pk).values_list("pk", flat=True)
            return cls(distributor_ids=frozenset({party.pk}), store_ids=frozenset(stores))
        if isinstance(party, Store):
            return cls(store_ids=frozenset({party.pk}))
        raise TypeError(f"not a party: {party!r}")


def scoped(queryset: QuerySet, *, scope: Scope) -> QuerySet:
    """Narrow `queryset` to the rows `scope` may see."""
    model = queryset.model
    try:
        paths = _REGISTRY[model]
    except KeyError:
        raise ImproperlyConfigured(f"{model.__name__} is not registered with parties.scoping") from None
    if scope.is_operator:
        return queryset
    condition = Q()
    for kind, ids in (
        ("supplier", scope.supplier_ids),
        ("distributor", scope.distributor_ids),
        ("store", scope.store_ids),
    ):
        if not ids:
            continue
        for lookup in paths[kind]:
            condition |= Q(**{f"{lookup}__in": sorted(ids)})
    if not condition:
        return queryset.none()
    return queryset.filter(condition).distinct()
