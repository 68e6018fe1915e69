"""Id-taking URLs of the statements part (issue 8), for the lead to merge into tests/isolation.py.

`ENTRIES` has the shape of `OPERATOR_TARGETS` there ({url name: kwargs factory}): back-office pages that every
party user must get 404 for and the operator 200. The portal finance pages take no id (the party is the acting
membership's own), so there is nothing for `PORTAL_TARGETS`.
"""

from collections.abc import Callable

from parties.models import Distributor, Supplier


def _party(kind: str, slug: str) -> dict:
    model = Supplier if kind == "supplier" else Distributor
    return {"kind": kind, "pk": model.objects.get(slug=slug).pk}


ENTRIES: dict[str, Callable[[], dict]] = {
    **{f"dashboard:mp-statement-party{suffix}": (lambda: _party("supplier", "golden-grain"))
       for suffix in ("", "-csv", "-xlsx")},
}
