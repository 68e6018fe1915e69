"""API tokens belong to their supplier or store (parties.scoping), so portal token lists go through `scoped()`."""

from api.models import ApiToken
from parties.scoping import register_scope

register_scope(ApiToken, supplier="supplier_id", store="store_id")
