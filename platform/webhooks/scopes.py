"""Webhook endpoints and their deliveries belong to the endpoint's supplier or store (parties.scoping)."""

from parties.scoping import register_scope
from webhooks.models import WebhookDelivery, WebhookEndpoint

register_scope(WebhookEndpoint, supplier="supplier_id", store="store_id")
register_scope(WebhookDelivery, supplier="endpoint__supplier_id", store="endpoint__store_id")
