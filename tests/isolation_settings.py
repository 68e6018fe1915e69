"""Isolation-sweep entries of the operator-account pages (merged by the lead into tests/isolation.py).

`dashboard:mp-settings` and `dashboard:mp-operator-list` take no id. `OPERATOR_ENTRIES` is in the shape of
`OPERATOR_TARGETS` (url name → callable giving the URL kwargs): `OPERATOR_TARGETS.update(OPERATOR_ENTRIES)`.
"""


def _operator_pk() -> dict:
    from django.contrib.auth import get_user_model

    return {"pk": get_user_model().objects.get(email="operator@demo.test").pk}


OPERATOR_ENTRIES = {
    "dashboard:mp-operator-status": _operator_pk,
}
