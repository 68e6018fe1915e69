"""API isolation entries for orders, fulfilment groups, returns and statements (see tests/api_helpers.py).

Own and foreign objects are picked from the demo marketplace by who they belong to (statements take no id)."""

from oscar.core.loading import get_model

from storefront.models import FulfilmentGroup
from storefront.returns.models import ReturnRequest
from tests.api_helpers import demo_store, demo_supplier

OPEN = (FulfilmentGroup.Status.PENDING, FulfilmentGroup.Status.PICKING, FulfilmentGroup.Status.PACKED)


def _order(*, in_store: bool) -> dict:
    Order = get_model("order", "Order")
    online = demo_store("sunrise-online")
    orders = Order.objects.filter(lines__store=online) if in_store else Order.objects.exclude(lines__store=online)
    return {"number": orders.order_by("pk").first().number}


def _open_group(slug: str) -> dict:
    group = (FulfilmentGroup.objects.filter(warehouse__supplier=demo_supplier(slug), status__in=OPEN)
             .order_by("pk").first())
    return {"pk": group.pk}


def _return_request(*, mine: bool) -> dict:
    green = demo_supplier("green-leaf-tea")
    requests = (ReturnRequest.objects.filter(lines__line__supplier=green) if mine
                else ReturnRequest.objects.exclude(lines__line__supplier=green))
    return {"pk": requests.order_by("pk").first().pk}


ENTRIES: dict = {
    "api:order-detail": {
        "party": lambda: demo_store("sunrise-online"),
        "own": lambda: _order(in_store=True),
        "foreign": lambda: _order(in_store=False),
        "methods": ("get",),
    },
    "api:fulfilment-group-detail": {
        "party": lambda: demo_supplier("green-leaf-tea"),
        "own": lambda: _open_group("green-leaf-tea"),
        "foreign": lambda: _open_group("golden-grain"),
        "methods": ("get",),
    },
    "api:fulfilment-group-ship": {
        "party": lambda: demo_supplier("green-leaf-tea"),
        "own": lambda: _open_group("green-leaf-tea"),
        "foreign": lambda: _open_group("golden-grain"),
        "methods": ("post",),
        "body": lambda: {"carrier": "SF Express", "tracking_number": "ISO-1"},
    },
    "api:return-request-detail": {
        "party": lambda: demo_supplier("green-leaf-tea"),
        "own": lambda: _return_request(mine=True),
        "foreign": lambda: _return_request(mine=False),
        "methods": ("get",),
    },
}
