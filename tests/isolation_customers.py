"""Isolation-sweep entries of the customer pages (issue 9), for the lead to merge into tests/isolation.py:

    from tests.isolation_customers import OPERATOR_ENTRIES as CUSTOMER_OPERATOR_ENTRIES, PORTAL_ENTRIES as ...
    PORTAL_TARGETS.update(CUSTOMER_PORTAL_ENTRIES); OPERATOR_TARGETS.update(CUSTOMER_OPERATOR_ENTRIES)

`PORTAL_ENTRIES` has the shape of `PORTAL_TARGETS`: distributor@demo.test (Sunrise Retail) opens a shopper who
ordered in its stores (200) and gets 404 for one who only ever ordered in Harbor Goods' store. `OPERATOR_ENTRIES`
has the shape of `OPERATOR_TARGETS`: back-office customer URLs every party user must get 404 for.
The product performance page takes no id in its path (only GET parameters), so it needs no entry.
"""

from collections.abc import Callable

from tests.isolation import PortalTarget


def _shopper_of(store_slug: str, *, not_in_owner_of: str = "") -> dict:
    """A shopper with an order in the store and none in the stores of the distributor owning `not_in_owner_of`
    (an order is placed here, by a new shopper, when the demo has none)."""
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model

    from parties.models import Store

    Order = get_model("order", "Order")
    users = get_user_model().objects.filter(orders__lines__store__slug=store_slug)
    if not_in_owner_of:
        owner = Store.objects.get(slug=not_in_owner_of).distributor_id
        users = users.exclude(pk__in=Order.objects.filter(lines__store__distributor_id=owner,
                                                          user__isnull=False).values("user_id"))
    found = users.order_by("pk").first()
    if found is None:
        from tests.payment_helpers import order_in

        found, _ = get_user_model().objects.get_or_create(
            email=f"isolation-{store_slug}@example.test", defaults={"username": f"isolation-{store_slug}"})
        order_in(store_slug, user=found)
    return {"pk": found.pk}


PORTAL_ENTRIES: dict[str, PortalTarget] = {
    "distributor:customer-detail": PortalTarget(
        actor="distributor@demo.test",
        own=lambda: _shopper_of("sunrise-online"),
        foreign=lambda: _shopper_of("harbor-online", not_in_owner_of="sunrise-online"),
    ),
}

OPERATOR_ENTRIES: dict[str, Callable[[], dict]] = {
    "dashboard:mp-customer-detail": lambda: _shopper_of("harbor-online"),
    "dashboard:mp-customer-merge": lambda: _shopper_of("harbor-online"),
    "dashboard:mp-customer-list": dict,
}
