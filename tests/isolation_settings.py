"""Isolation-sweep entries of the operator-account and settings pages (merged into tests/isolation.py).

`OPERATOR_ENTRIES` is in the shape of `OPERATOR_TARGETS` (url name → callable giving the URL kwargs); the pages
without an id are listed too, so every party user is swept there as well.
"""


def _operator_pk() -> dict:
    from django.contrib.auth import get_user_model

    return {"pk": get_user_model().objects.get(email="operator@demo.test").pk}


OPERATOR_ENTRIES = {
    "dashboard:mp-operator-status": _operator_pk,
    "dashboard:mp-settings": dict,
    "dashboard:mp-operator-list": dict,
}
