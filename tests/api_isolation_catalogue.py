"""API isolation entries for products, variants and stock (see tests/api_helpers.py for the shape)."""

ENTRIES: dict = {}
