"""API isolation entries for orders, fulfilment groups, returns and statements (see tests/api_helpers.py)."""

ENTRIES: dict = {}
