"""Who an event is for: a party's members, the operator's staff or one user, each a websocket group.

An event is addressed through memberships, never broadcast and filtered in the browser: the dispatcher sends it to
the audience's group only, and the consumer joins a socket to the groups of its user's own memberships.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from parties.models import Membership

PARTY_KINDS = ("store", "supplier", "distributor")
EVERY_KINDS = tuple(f"every.{kind}" for kind in PARTY_KINDS)  # every member of every party of a kind


@dataclass(frozen=True)
class Audience:
    kind: str  # "store", "supplier", "distributor", "operator", "user", or "every.<party kind>"
    pk: int | None = None

    @classmethod
    def store(cls, pk: int) -> Audience:
        return cls("store", pk)

    @classmethod
    def supplier(cls, pk: int) -> Audience:
        return cls("supplier", pk)

    @classmethod
    def distributor(cls, pk: int) -> Audience:
        return cls("distributor", pk)

    @classmethod
    def user(cls, pk: int) -> Audience:
        return cls("user", pk)

    @classmethod
    def operator(cls) -> Audience:
        return cls("operator")

    @classmethod
    def every(cls, party_kind: str) -> Audience:
        """Every member of every supplier, distributor or store (one group, not one per party)."""
        if party_kind not in PARTY_KINDS:
            raise ValueError(f"Unknown party kind {party_kind!r}")
        return cls(f"every.{party_kind}")

    @classmethod
    def of_location(cls, location) -> Audience:
        """The people of a stock location: the supplier of a warehouse, the store of a store's own stock."""
        return cls.supplier(location.supplier_id) if location.supplier_id else cls.store(location.store_id)

    @property
    def group(self) -> str:
        return self.kind if self.kind == "operator" or self.kind in EVERY_KINDS else f"{self.kind}.{self.pk}"

    def user_ids(self) -> list[int]:
        """The active users this audience reaches now, in id order."""
        users = get_user_model().objects.filter(is_active=True)
        if self.kind == "operator":
            users = users.filter(is_staff=True)
        elif self.kind == "user":
            users = users.filter(pk=self.pk)
        elif self.kind in PARTY_KINDS:
            users = users.filter(pk__in=Membership.objects.filter(**{f"{self.kind}_id": self.pk}).values("user_id"))
        elif self.kind in EVERY_KINDS:
            party_kind = self.kind.removeprefix("every.")
            users = users.filter(pk__in=Membership.objects.filter(**{f"{party_kind}__isnull": False}).values("user_id"))
        else:
            raise ValueError(f"Unknown audience kind {self.kind!r}")
        return list(users.order_by("pk").values_list("pk", flat=True))


def socket_groups(*, user) -> list[str]:
    """The groups a signed-in user's websocket joins: their own, one per membership, one per kind of party they
    belong to ("every.supplier": what is said to all suppliers), the operator's if staff."""
    groups = [Audience.user(user.pk).group]
    every = []
    for supplier_id, distributor_id, store_id in Membership.objects.filter(user=user).values_list(
            "supplier_id", "distributor_id", "store_id"):
        if supplier_id:
            groups.append(Audience.supplier(supplier_id).group)
            every.append(Audience.every("supplier").group)
        elif distributor_id:
            groups.append(Audience.distributor(distributor_id).group)
            every.append(Audience.every("distributor").group)
        else:
            groups.append(Audience.store(store_id).group)
            every.append(Audience.every("store").group)
    groups.extend(dict.fromkeys(every))
    if user.is_staff:
        groups.append(Audience.operator().group)
    return groups
