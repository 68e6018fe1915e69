"""Queries of the webhook pages: always through `scoped()`, then narrowed to the acting party itself (a supplier's
scope also reaches its flagship stores, whose endpoints are the store's own business)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from parties.models import Store, Supplier
from parties.scoping import Scope, scoped
from webhooks.models import WebhookDelivery, WebhookEndpoint

DELIVERIES_SHOWN = 50


def _own(party: Supplier | Store, prefix: str = "") -> dict:
    return {f"{prefix}supplier_id": party.pk} if isinstance(party, Supplier) else {f"{prefix}store_id": party.pk}


def endpoint_list(*, scope: Scope, party: Supplier | Store) -> QuerySet[WebhookEndpoint]:
    """The party's endpoints with their count of pending and failed deliveries (one query)."""
    return (scoped(WebhookEndpoint.objects.filter(**_own(party)), scope=scope)
            .annotate(pending=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.PENDING)),
                      failed=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)))
            .order_by("-created_at", "-pk"))


def endpoint_get(*, scope: Scope, party: Supplier | Store, pk: int) -> WebhookEndpoint:
    return get_object_or_404(scoped(WebhookEndpoint.objects.filter(**_own(party)), scope=scope), pk=pk)


def delivery_list(*, endpoint: WebhookEndpoint, limit: int = DELIVERIES_SHOWN) -> list[WebhookDelivery]:
    """The endpoint's latest deliveries, newest first."""
    return list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")[:limit])


def delivery_get(*, scope: Scope, party: Supplier | Store, pk: int) -> WebhookDelivery:
    found = scoped(WebhookDelivery.objects.filter(**_own(party, "endpoint__")), scope=scope)
    return get_object_or_404(found.select_related("endpoint").prefetch_related("attempt_log"), pk=pk)
