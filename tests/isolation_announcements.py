"""Isolation-sweep entries of issue 10's announcements pages (owned by their helper), merged into tests/isolation.py.

`PORTAL_ENTRIES`: {url name: keyword arguments of `PortalTarget`}; `OPERATOR_ENTRIES`: url name → callable giving
the URL kwargs (see tests/isolation_grants.py for the shape).
"""

from collections.abc import Callable

PORTAL_ENTRIES: dict[str, dict] = {}

OPERATOR_ENTRIES: dict[str, Callable[[], dict]] = {}
