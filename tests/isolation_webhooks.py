"""Isolation-sweep entries of issue 10's webhooks pages (owned by their helper), merged into tests/isolation.py.

`PORTAL_ENTRIES`: {url name: keyword arguments of `PortalTarget`}; `OPERATOR_ENTRIES`: url name → callable giving
the URL kwargs (see tests/isolation_grants.py for the shape). The demo has no webhooks: each entry makes (once) an
endpoint with one failed delivery for the acting party ("own") and for another party ("foreign"): a supplier
against another supplier, a store against a sister store of the same distributor.
"""

from collections.abc import Callable


def _endpoint(**party):
    from parties.models import Store, Supplier
    from webhooks.models import WEBHOOK_KINDS, WebhookEndpoint

    owner = ({"supplier": Supplier.objects.get(slug=party["supplier"])} if "supplier" in party
             else {"store": Store.objects.get(slug=party["store"])})
    endpoint, _ = WebhookEndpoint.objects.get_or_create(
        url="https://hooks.example.com/isolation-sweep", **owner,
        defaults={"events": list(WEBHOOK_KINDS), "secret": "whsec_isolation-sweep"})
    return endpoint


def _delivery(**party):
    from webhooks.models import WebhookDelivery

    endpoint = _endpoint(**party)
    delivery = endpoint.deliveries.first() or WebhookDelivery.objects.create(
        endpoint=endpoint, kind="webhook.test", status=WebhookDelivery.Status.FAILED, attempts=6,
        payload={"event": "webhook.test", "created": "2026-01-01T00:00:00+00:00", "data": {}})
    return delivery


def _entries(namespace: str, actor: str, own: dict, foreign: dict) -> dict[str, dict]:
    entries = {}
    for name, methods in (("webhook-detail", ("get",)), ("webhook-edit", ("get", "post")),
                          ("webhook-delete", ("get", "post")), ("webhook-test", ("get", "post"))):
        entries[f"{namespace}:{name}"] = {"actor": actor, "own": lambda own=own: {"pk": _endpoint(**own).pk},
                                          "foreign": lambda foreign=foreign: {"pk": _endpoint(**foreign).pk},
                                          "methods": methods}
    for name, methods in (("delivery-detail", ("get",)), ("delivery-retry", ("get", "post"))):
        entries[f"{namespace}:{name}"] = {"actor": actor, "own": lambda own=own: {"pk": _delivery(**own).pk},
                                          "foreign": lambda foreign=foreign: {"pk": _delivery(**foreign).pk},
                                          "methods": methods}
    return entries


PORTAL_ENTRIES: dict[str, dict] = {
    **_entries("supplier", "supplier@demo.test", {"supplier": "green-leaf-tea"}, {"supplier": "golden-grain"}),
    **_entries("storeadmin", "storeadmin@demo.test", {"store": "sunrise-online"}, {"store": "sunrise-nanjing-road"}),
}

OPERATOR_ENTRIES: dict[str, Callable[[], dict]] = {}
