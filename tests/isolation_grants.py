"""Isolation-sweep entries of the People pages and grants (issue 9), for the lead to merge into tests/isolation.py.

`PORTAL_ENTRIES`: {url name: keyword arguments of `PortalTarget`} — revoking a role is reachable only for a
membership of the acting party (its stores' included); another party's is a 404 (GET asks, POST revokes).
Merge with `PORTAL_TARGETS.update({name: PortalTarget(**entry) for name, entry in PORTAL_ENTRIES.items()})`.
`OPERATOR_ENTRIES`: in the shape of `OPERATOR_TARGETS` (url name → callable giving the URL kwargs).
"""

from collections.abc import Callable


def _membership(email: str, **where) -> dict:
    from parties.models import Membership

    return {"pk": Membership.all_objects.get(user__email=email, **where).pk}


PORTAL_ENTRIES: dict[str, dict] = {
    "supplier:member-revoke": {
        "actor": "supplier@demo.test",
        "own": lambda: _membership("warehouse@demo.test", supplier__slug="green-leaf-tea"),
        "foreign": lambda: _membership("grain@demo.test", supplier__slug="golden-grain"),
        "methods": ("get", "post"),
    },
    "distributor:member-revoke": {
        "actor": "distributor@demo.test",
        "own": lambda: _membership("storeadmin@demo.test", store__slug="sunrise-online"),
        "foreign": lambda: _membership("harbor@demo.test", distributor__slug="harbor-goods"),
        "methods": ("get", "post"),
    },
    "storeadmin:member-revoke": {
        "actor": "storeadmin@demo.test",
        "own": lambda: _membership("storeadmin@demo.test", store__slug="sunrise-online"),
        "foreign": lambda: _membership("shopstaff@demo.test", store__slug="sunrise-nanjing-road"),
        "methods": ("get", "post"),
    },
}

OPERATOR_ENTRIES: dict[str, Callable[[], dict]] = {
    "dashboard:mp-grant-revoke": lambda: _membership("harbor@demo.test", distributor__slug="harbor-goods"),
    "dashboard:mp-grant-list": dict,
    "dashboard:mp-grant-create": dict,
}
