"""Back-office report URLs of the analytics part (issue 9), for the lead to merge into tests/isolation.py.

`ENTRIES` has the shape of `OPERATOR_TARGETS` there ({url name: kwargs factory}): pages every party user must
get 404 for and the operator 200. None of them takes an id (filters travel in the query string), so the sweep's
`our_id_urls()` does not require them; they are listed so the party-user sweep walks the reports and exports too.
"""

from collections.abc import Callable

ENTRIES: dict[str, Callable[[], dict]] = {
    name: dict for name in ("dashboard:mp-analytics-overview", "dashboard:mp-contribution",
                            "dashboard:mp-contribution-csv", "dashboard:mp-contribution-xlsx",
                            "dashboard:mp-product-performance")
}
