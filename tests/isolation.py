"""The registry behind the isolation sweep: every URL that takes an object id, and how to attack it.

Each later capability that adds such a URL adds an entry here; the sweep
fails while any id-taking URL of ours is missing from the registry.
"""

from collections.abc import Callable
from dataclasses import dataclass

from parties.models import Distributor, Membership, Store, Supplier, Warehouse


@dataclass(frozen=True)
class PortalTarget:
    """`actor` acts for party A; `own()` is an object of A, `foreign()` one of party B."""

    actor: str
    own: Callable[[], dict]
    foreign: Callable[[], dict]
    methods: tuple[str, ...] = ("get",)  # add "post" for URLs whose view accepts it


def _pk(obj) -> dict:
    return {"pk": obj.pk}


# URLs inside a party portal: party A's user must get 404 for party B's object, 200 for its own.
PORTAL_TARGETS: dict[str, PortalTarget] = {
    "supplier:warehouse-detail": PortalTarget(
        actor="supplier@demo.test",
        own=lambda: _pk(Warehouse.objects.get(supplier__slug="green-leaf-tea", code="hz")),
        foreign=lambda: _pk(Warehouse.objects.get(supplier__slug="golden-grain", code="zz")),
    ),
    "distributor:store-detail": PortalTarget(
        actor="distributor@demo.test",
        own=lambda: _pk(Store.objects.get(slug="sunrise-online")),
        foreign=lambda: _pk(Store.objects.get(slug="harbor-online")),
    ),
}

# Operator back-office URLs: every party user is kept out (sent to sign in, never shown data).
OPERATOR_TARGETS: dict[str, Callable[[], dict]] = {
    "dashboard:mp-supplier-detail": lambda: _pk(Supplier.objects.get(slug="golden-grain")),
    "dashboard:mp-distributor-detail": lambda: _pk(Distributor.objects.get(slug="harbor-goods")),
    "dashboard:mp-store-detail": lambda: _pk(Store.objects.get(slug="harbor-online")),
    "dashboard:mp-party-status": lambda: {"kind": "store",
                                          "pk": Store.objects.get(slug="harbor-online").pk},
}

PARTY_USERS = ["supplier@demo.test", "distributor@demo.test", "storeadmin@demo.test", "multi@demo.test",
               "shopper@demo.test"]


def membership_of(email: str) -> Membership:
    return Membership.objects.filter(user__email=email).order_by("pk").first()
