"""JSON shapes of orders, fulfilment groups, returns and statements, and the query parameters their lists share.

Serializers only read what the views prefetched (`visible_lines`, `visible_groups`, ...), so a page runs a fixed
number of queries whatever its size. Each party sees only its own part of an order: a store its lines and delivery
charge, a supplier its lines; both the fulfilment groups they ship.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from api.errors import ApiError
from parties.money import CENT

PLACED_AFTER = OpenApiParameter("placed_after", OpenApiTypes.STR, description=(
    "Only orders placed at or after this moment: YYYY-MM-DD (start of that day) or an ISO 8601 date-time."))
PLACED_BEFORE = OpenApiParameter("placed_before", OpenApiTypes.STR, description=(
    "Only orders placed before this moment: YYYY-MM-DD (start of that day) or an ISO 8601 date-time."))
MONEY = serializers.DecimalField(max_digits=12, decimal_places=2)
PAGE_SIZE = OpenApiParameter("page_size", OpenApiTypes.INT, description="Rows per page (at most 500).")


def moment_param(request, name: str) -> datetime | None:
    """The query parameter `name` as an aware datetime (a bare date is the start of that day); 400 when unreadable."""
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        return None
    raw = re.sub(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$", r"\1+\2", raw)  # an unescaped "+08:00"
    try:
        moment = parse_datetime(raw)
        day = None if moment else parse_date(raw)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise ApiError(_("%(name)s: “%(value)s” is not a date (YYYY-MM-DD) or an ISO 8601 date-time.")
                       % {"name": name, "value": raw[:40]}, details={name: [_("Not a date or date-time.")]})
    if day is not None:
        moment = datetime.combine(day, time.min)
    if not 1900 <= moment.year <= 9000:
        raise ApiError(_("%(name)s: choose a moment between the years 1900 and 9000.") % {"name": name},
                       details={name: [_("Out of range.")]})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def choice_param(request, name: str, choices) -> str:
    """The query parameter `name`, which must be one of `choices` (or absent); 400 otherwise."""
    value = (request.query_params.get(name) or "").strip()
    if value and value not in choices:
        raise ApiError(_("%(name)s: “%(value)s” is not one of: %(choices)s.")
                       % {"name": name, "value": value[:40], "choices": ", ".join(choices)},
                       details={name: [_("Not a valid choice.")]})
    return value


def date_window(queryset, request, field: str):
    """Narrow `queryset` by `placed_after` / `placed_before` on `field`."""
    after, before = moment_param(request, "placed_after"), moment_param(request, "placed_before")
    if after is not None:
        queryset = queryset.filter(**{f"{field}__gte": after})
    if before is not None:
        queryset = queryset.filter(**{f"{field}__lt": before})
    return queryset


class AddressSerializer(serializers.Serializer):
    """Where the goods go, as the portals' shipping pages show it to whoever ships."""

    name = serializers.CharField()
    line1 = serializers.CharField()
    line2 = serializers.CharField()
    line3 = serializers.CharField()
    city = serializers.CharField(source="line4")
    state = serializers.CharField()
    postcode = serializers.CharField()
    country = serializers.CharField(source="country_id")
    phone = serializers.SerializerMethodField()

    def get_phone(self, address) -> str:
        return str(address.phone_number or "")


class OrderLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField(source="partner_sku")
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(source="unit_price_incl_tax", max_digits=12, decimal_places=2)
    line_total = serializers.DecimalField(source="line_price_incl_tax", max_digits=12, decimal_places=2)
    store = serializers.CharField(source="store.slug", allow_null=True, help_text="The store that sold it.")


class ParcelLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="fulfilment_line_id", help_text="The fulfilment line's id.")
    quantity = serializers.IntegerField()


class ParcelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    shipped_at = serializers.DateTimeField()
    lines = ParcelLineSerializer(many=True)


class GroupLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The fulfilment line's id: use it in `quantities` when shipping.")
    sku = serializers.CharField(source="line.partner_sku")
    title = serializers.CharField(source="line.title")
    quantity = serializers.IntegerField()
    shipped = serializers.SerializerMethodField()
    remaining = serializers.SerializerMethodField()

    def _shipped(self, fline) -> int:
        return self.context.get("shipped", {}).get(fline.pk, 0)

    def get_shipped(self, fline) -> int:
        return self._shipped(fline)

    def get_remaining(self, fline) -> int:
        return fline.quantity - self._shipped(fline)


class GroupBriefSerializer(serializers.Serializer):
    """A fulfilment group inside an order."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    location = serializers.CharField(source="warehouse.code")
    carrier = serializers.CharField()
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)


class FulfilmentGroupSerializer(GroupBriefSerializer):
    """A group with its lines (units shipped and left), parcels and where it goes."""

    order = serializers.CharField(source="order.number")
    placed_at = serializers.DateTimeField(source="order.date_placed")
    shipping_address = AddressSerializer(source="order.shipping_address", allow_null=True)
    lines = serializers.SerializerMethodField()
    parcels = serializers.SerializerMethodField()

    def _shipped(self, group) -> dict[int, int]:
        shipped: dict[int, int] = {}
        for parcel in group.parcels.all():
            for pline in parcel.lines.all():
                shipped[pline.fulfilment_line_id] = shipped.get(pline.fulfilment_line_id, 0) + pline.quantity
        return shipped

    @extend_schema_field(GroupLineSerializer(many=True))
    def get_lines(self, group):
        return GroupLineSerializer(group.lines.all(), many=True, context={"shipped": self._shipped(group)}).data

    @extend_schema_field(ParcelSerializer(many=True))
    def get_parcels(self, group):
        return ParcelSerializer(group.parcels.all(), many=True).data


class ShipLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="A fulfilment line id of this group (see `lines[].id`).")
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000)


class ShipSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=64, allow_blank=True, trim_whitespace=True)
    tracking_number = serializers.CharField(max_length=64, allow_blank=True, trim_whitespace=True)
    quantities = ShipLineSerializer(many=True, required=False, help_text=(
        "Units per fulfilment line for a partial parcel; lines left out stay behind. Without it, every unit not "
        "yet shipped goes in this parcel."))


class OrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    currency = serializers.CharField()
    placed_at = serializers.DateTimeField(source="date_placed")
    paid_at = serializers.SerializerMethodField()
    lines = OrderLineSerializer(source="visible_lines", many=True)
    items_total = serializers.SerializerMethodField()
    delivery_charge = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    shipping_address = AddressSerializer(allow_null=True)
    fulfilment_groups = GroupBriefSerializer(source="visible_groups", many=True)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_paid_at(self, order):
        moments = [payment.paid_at for payment in order.received_payments if payment.paid_at]
        return min(moments) if moments else None

    def _items(self, order) -> Decimal:
        return sum((line.line_price_incl_tax for line in order.visible_lines), Decimal("0.00")).quantize(CENT)

    def _delivery(self, order) -> Decimal:
        return sum((row.charge for row in order.visible_shipping), Decimal("0.00")).quantize(CENT)

    @extend_schema_field(MONEY)
    def get_items_total(self, order):
        return MONEY.to_representation(self._items(order))

    @extend_schema_field(MONEY)
    def get_delivery_charge(self, order):
        return MONEY.to_representation(self._delivery(order))

    @extend_schema_field(MONEY)
    def get_total(self, order):
        return MONEY.to_representation(self._items(order) + self._delivery(order))


class ReturnLineSerializer(serializers.Serializer):
    sku = serializers.CharField(source="line.partner_sku")
    title = serializers.CharField(source="line.title")
    quantity = serializers.IntegerField()
    outcome = serializers.CharField()


class ReturnRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.CharField(source="order.number")
    status = serializers.CharField()
    kind = serializers.CharField()
    reason = serializers.CharField()
    note = serializers.CharField()
    requested_at = serializers.DateTimeField(source="created_at")
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    refund_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    lines = ReturnLineSerializer(source="visible_lines", many=True)


class BalancesSerializer(serializers.Serializer):
    pending = serializers.DecimalField(max_digits=14, decimal_places=2)
    available = serializers.DecimalField(max_digits=14, decimal_places=2)
    withdrawing = serializers.DecimalField(max_digits=14, decimal_places=2)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)


class StatementLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    posted_at = serializers.DateTimeField()
    kind = serializers.CharField()
    state = serializers.CharField()
    description = serializers.CharField()
    reference = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2)


@extend_schema_serializer(many=False)  # the statements resource answers one statement, not a list
class StatementSerializer(serializers.Serializer):
    currency = serializers.CharField()
    start = serializers.DateField()
    last_day = serializers.DateField()
    opening = BalancesSerializer()
    closing = BalancesSerializer()
    credits = serializers.DecimalField(max_digits=14, decimal_places=2)
    debits = serializers.DecimalField(max_digits=14, decimal_places=2)
    lines = StatementLineSerializer(many=True)

