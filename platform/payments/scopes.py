"""A payment belongs to the stores its order's lines were sold in (a supplier's or distributor's scope holds its
stores, so the store lookup serves them too)."""

from parties.scoping import register_scope
from payments.models import Payment

register_scope(Payment, store="order__lines__store")
