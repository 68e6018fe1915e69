"""API resources: orders (each party's own part of them) and fulfilment groups, with shipping a group as a parcel.

Shipping goes through `storefront.fulfilment.services.fulfilment_group_ship`, the portal's own command, so stock,
the audit trail, notifications and the shopper's e-mail happen exactly as from the shipping page. Every query is
narrowed to the token's party through `api.scoping` (parties.scoping): another party's order or group is a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from oscar.core.loading import get_model
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.errors import ApiError
from api.idempotency import idempotent
from api.order_serializers import (
    PAGE_SIZE,
    PLACED_AFTER,
    PLACED_BEFORE,
    FulfilmentGroupSerializer,
    OrderSerializer,
    ShipSerializer,
    choice_param,
    date_window,
)
from api.permissions import request_token
from api.scoping import token_scope, token_scoped
from parties.models import Store, Supplier
from payments.models import Payment
from storefront.fulfilment.models import Parcel, ParcelLine
from storefront.fulfilment.selectors import OPEN, fulfilment_groups
from storefront.fulfilment.services import fulfilment_group_ship, shipped_units
from storefront.models import FulfilmentGroup, FulfilmentLine, OrderShipping

Order = get_model("order", "Order")
Line = get_model("order", "Line")

ERRORS = {400: OpenApiResponse(description="Bad filter or request body (the error shape)."),
          401: OpenApiResponse(description="No token, or an unknown or revoked one."),
          403: OpenApiResponse(description="The token may not do this (read-only token)."),
          404: OpenApiResponse(description="Not found, or not this token's party's."),
          429: OpenApiResponse(description="Too many requests for this token: see Retry-After.")}
ORDER_STATUS = OpenApiParameter("status", OpenApiTypes.STR, enum=list(settings.OSCAR_ORDER_STATUS_PIPELINE),
                                description="The order's status.")
GROUP_STATUS_CHOICES = [OPEN, *FulfilmentGroup.Status.values]
GROUP_STATUS = OpenApiParameter("status", OpenApiTypes.STR, enum=GROUP_STATUS_CHOICES, description=(
    "The group's status; `open` is every group not shipped in full (to pick, picking, packed)."))
IDEMPOTENCY_KEY = OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, description=(
    "Any unique string (at most 255 characters): a retry with the same key and body gets the first answer and "
    "ships nothing more; the same key with another body is a 409."))


def visible_lines(request):
    """The order lines the token's party may see: a store's sales, or a supplier's goods (in any store)."""
    token = request_token(request)
    if token is not None and token.party_kind == "store":
        return Line.objects.filter(store__in=token_scoped(Store.objects.all(), request))
    return Line.objects.filter(supplier__in=token_scoped(Supplier.objects.all(), request))


@extend_schema_view(
    list=extend_schema(summary="Orders", description=(
        "Orders with the token's party's goods, newest first. A store token sees the orders sold in its store, "
        "with its lines and its delivery charge; a supplier token the orders containing its goods, with only its "
        "own lines. Both see the fulfilment groups they ship. Totals cover the lines shown."),
        parameters=[ORDER_STATUS, PLACED_AFTER, PLACED_BEFORE, PAGE_SIZE], responses={200: OrderSerializer, **ERRORS}),
    retrieve=extend_schema(summary="One order", responses={200: OrderSerializer, **ERRORS}),
)
class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrderSerializer
    queryset = Order.objects.none()  # for the schema; get_queryset scopes by token
    lookup_field = "number"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        request = self.request
        lines = visible_lines(request)
        qs = Order.objects.filter(pk__in=lines.values("order_id"))
        if self.action == "list":
            state = choice_param(request, "status", list(settings.OSCAR_ORDER_STATUS_PIPELINE))
            if state:
                qs = qs.filter(status=state)
            qs = date_window(qs, request, "date_placed")
        token = request_token(request)
        own_stores = (token_scoped(Store.objects.all(), request) if token and token.party_kind == "store"
                      else Store.objects.none())
        return (qs.select_related("shipping_address")
                .prefetch_related(
                    Prefetch("lines", queryset=lines.select_related("store").order_by("pk"), to_attr="visible_lines"),
                    Prefetch("fulfilment_groups", to_attr="visible_groups",
                             queryset=token_scoped(FulfilmentGroup.objects.all(), request)
                             .select_related("warehouse").order_by("pk")),
                    Prefetch("payments", to_attr="received_payments",
                             queryset=Payment.objects.filter(status__in=Payment.RECEIVED).order_by("pk")),
                    Prefetch("store_shipping", to_attr="visible_shipping",
                             queryset=OrderShipping.objects.filter(store__in=own_stores).order_by("pk")))
                .order_by("-pk"))


def _groups(request, queryset):
    return queryset.select_related("order__shipping_address").prefetch_related(None).prefetch_related(
        Prefetch("lines", queryset=FulfilmentLine.objects.select_related("line").order_by("pk")),
        Prefetch("parcels", queryset=Parcel.objects.order_by("shipped_at", "pk").prefetch_related(
            Prefetch("lines", queryset=ParcelLine.objects.order_by("pk")))))


@extend_schema_view(
    list=extend_schema(summary="Fulfilment groups", description=(
        "The groups the token's party ships (as the portal's Shipping page): a supplier's warehouses, or a store's "
        "own locations. Each lists its lines with units shipped and left, its parcels and the delivery address."),
        parameters=[GROUP_STATUS, PLACED_AFTER, PLACED_BEFORE, PAGE_SIZE],
        responses={200: FulfilmentGroupSerializer, **ERRORS}),
    retrieve=extend_schema(summary="One fulfilment group", responses={200: FulfilmentGroupSerializer, **ERRORS}),
)
class FulfilmentGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FulfilmentGroupSerializer
    queryset = FulfilmentGroup.objects.none()  # for the schema; get_queryset scopes by token

    def get_queryset(self):
        request = self.request
        if self.action == "list":
            qs = fulfilment_groups(scope=token_scope(request),
                                   status=choice_param(request, "status", GROUP_STATUS_CHOICES))
            qs = date_window(qs, request, "order__date_placed")
        else:
            qs = token_scoped(FulfilmentGroup.objects.select_related("order", "warehouse", "supplier"), request)
        return _groups(request, qs)

    @extend_schema(summary="Ship a fulfilment group", description=(
        "Ship units of the group as one parcel with carrier and tracking number (a read and write token). The "
        "units leave the location's stock and the shopper is told, exactly as from the portal. The group is "
        "shipped once every unit is in a parcel. Refused with the reason (already shipped, cancelled, no "
        "tracking number, too many units) and nothing written."),
        request=ShipSerializer, parameters=[IDEMPOTENCY_KEY],
        responses={201: FulfilmentGroupSerializer,
                   409: OpenApiResponse(description="Idempotency-Key already used with another body."), **ERRORS})
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        group = get_object_or_404(token_scoped(FulfilmentGroup.objects.all(), request), pk=pk)
        body = ShipSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data

        def run():
            if "quantities" in data:
                quantities: dict[int, int] = {}
                for row in data["quantities"]:
                    if row["line"] in quantities:
                        raise ApiError(_("quantities: line %(line)s is given twice.") % {"line": row["line"]},
                                       details={"quantities": [_("Give each line once.")]})
                    quantities[row["line"]] = row["quantity"]
            else:
                done = shipped_units(group=group)
                quantities = {fline.pk: fline.quantity - done.get(fline.pk, 0) for fline in group.lines.all()}
            fulfilment_group_ship(group=group, carrier=data["carrier"], tracking_number=data["tracking_number"],
                                  quantities=quantities, actor=request.user)
            shipped = _groups(request, FulfilmentGroup.objects.filter(pk=group.pk).select_related(
                "order", "warehouse", "supplier")).get()
            return Response(FulfilmentGroupSerializer(shipped).data, status=status.HTTP_201_CREATED)

        return idempotent(request, run=run)


def register(router) -> None:
    """Add this module's viewsets to the /api/v1/ router."""
    router.register("orders", OrderViewSet, basename="order")
    router.register("fulfilment-groups", FulfilmentGroupViewSet, basename="fulfilment-group")
