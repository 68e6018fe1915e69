"""API resource: stock levels per location (the token's own locations only) and the bulk set/adjust of one location.

A bulk write checks every row before it writes anything (unknown or foreign SKU, duplicate, bad quantity, a result
below zero): one bad row refuses the whole batch with every bad row named (`details.rows`, `row` = index in
`items`). A good batch is applied in one transaction through `inventory.services.stock_levels_set` (an adjustment
becomes the level it leads to, computed under the rows' locks), so each change is one ledger movement whose actor is
the token's maker and whose reason and reference name the token. `Idempotency-Key` makes a retry safe.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from oscar.core.loading import get_model
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.errors import ApiError
from api.idempotency import idempotent
from api.permissions import request_token
from api.scoping import token_scoped
from api.serializers_catalogue import (
    MAX_BULK_ITEMS,
    StockBulkResultSerializer,
    StockBulkSerializer,
    StockLevelSerializer,
)
from distributor.models import Listing
from inventory.services import stock_levels_set, stock_rows_lock
from parties.models import Warehouse
from supplier.models import WarehouseStock

StockRecord = get_model("partner", "StockRecord")
MODES = ("set", "adjust")


def token_locations(request):
    """The stock locations the token reaches: a supplier's warehouses (and its flagship stores' own stock), or a
    store's own stock locations."""
    return token_scoped(Warehouse.objects.all(), request)


def sku_records(token, skus: set[str]) -> dict[str, list[int]]:
    """{sku: [stock record ids]} among the SKUs the token's party may stock: a supplier's own catalogue, or what a
    store lists. Two ids for one SKU (two suppliers' goods listed by one store) make it ambiguous."""
    if not skus:
        return {}
    if token.party_kind == "supplier":
        pairs = StockRecord.objects.filter(partner_id=token.supplier.partner_id,
                                           partner_sku__in=skus).values_list("partner_sku", "pk")
    else:
        pairs = (Listing.objects.filter(store_id=token.store_id, stockrecord__partner_sku__in=skus)
                 .values_list("stockrecord__partner_sku", "stockrecord_id").distinct())
    found: dict[str, list[int]] = {}
    for sku, record_id in pairs:
        if record_id not in found.setdefault(sku, []):
            found[sku].append(record_id)
    return found


def no_nul(params) -> None:
    """Text with a NUL character cannot be stored or searched (PostgreSQL refuses it): a clear 400 instead."""
    for name, value in params.items():
        if "\x00" in value:
            raise ApiError(_("%(name)s: text may not contain NUL characters.") % {"name": name},
                           details={name: [_("Remove the NUL character.")]})


def _row_error(index: int, sku, message: str) -> dict:
    return {"row": index, "sku": sku if isinstance(sku, str) else None, "message": str(message)}


def bulk_body_check(data) -> tuple[int, str, str, list]:
    """The body's top level: (location id, mode, reason, items), or a 400 naming the fields."""
    if not isinstance(data, dict):
        raise ApiError(_("Send a JSON object with location, mode, reason and items."))
    fields = {}
    location, mode = data.get("location"), data.get("mode")
    reason, items = data.get("reason"), data.get("items")
    if not isinstance(location, int) or isinstance(location, bool) or not 0 < location < 2**63:
        fields["location"] = [_("Give the id of one of your stock locations.")]
    if mode not in MODES:
        fields["mode"] = [_("Choose “set” (units on hand) or “adjust” (units to add or take away).")]
    if not isinstance(reason, str) or not reason.strip():
        fields["reason"] = [_("Say why the stock changes (for the stock ledger).")]
    elif len(reason) > 200 or "\x00" in reason:
        fields["reason"] = [_("The reason is at most 200 characters, without NUL characters.")]
    if not isinstance(items, list) or not items:
        fields["items"] = [_("Send at least one item: {\"sku\": \"…\", \"quantity\": n}.")]
    elif len(items) > MAX_BULK_ITEMS:
        fields["items"] = [_("At most %(max)d items per request; this one has %(count)d.")
                           % {"max": MAX_BULK_ITEMS, "count": len(items)}]
    if fields:
        first = next(iter(fields))
        raise ApiError(f"{first}: {fields[first][0]}", details=fields)
    return location, mode, reason.strip(), items


def bulk_rows_check(*, token, mode: str, items: list) -> tuple[dict[int, int], dict[int, tuple[int, str]], list[dict]]:
    """Every row checked without the database's locks: ({stock record id: quantity}, {stock record id: (row, sku)},
    [row errors])."""
    errors, wanted, seen = [], {}, {}
    for index, item in enumerate(items):
        sku = item.get("sku") if isinstance(item, dict) else None
        quantity = item.get("quantity") if isinstance(item, dict) else None
        if not isinstance(sku, str) or not sku.strip() or "\x00" in sku or len(sku) > 128:
            errors.append(_row_error(index, sku, _("Each item needs a “sku” (text of 1 to 128 characters).")))
        elif not isinstance(quantity, int) or isinstance(quantity, bool) or abs(quantity) > 10**9:
            errors.append(_row_error(index, sku, _("“quantity” must be a whole number (at most a billion).")))
        elif mode == "set" and quantity < 0:
            errors.append(_row_error(index, sku, _("Stock cannot be set below zero.")))
        elif sku.strip() in seen:
            errors.append(_row_error(index, sku, _("This SKU is already in row %(row)d; send each SKU once.")
                                     % {"row": seen[sku.strip()]}))
        else:
            seen[sku.strip()] = index
            wanted[sku.strip()] = quantity
    records = sku_records(token, set(wanted))
    levels: dict[int, int] = {}
    row_of: dict[int, tuple[int, str]] = {}
    for sku, quantity in wanted.items():
        ids = records.get(sku, [])
        if not ids:
            errors.append(_row_error(seen[sku], sku, _("No SKU “%(sku)s” in your catalogue.") % {"sku": sku}
                                     if token.party_kind == "supplier" else
                                     _("No SKU “%(sku)s” among this store's listings.") % {"sku": sku}))
        elif len(ids) > 1:
            errors.append(_row_error(seen[sku], sku, _("Several suppliers' goods have the SKU “%(sku)s” in this "
                                                       "store; it cannot be told apart here.") % {"sku": sku}))
        else:
            levels[ids[0]] = quantity
            row_of[ids[0]] = (seen[sku], sku)
    return levels, row_of, errors


def refuse_rows(errors: list[dict]):
    errors = sorted(errors, key=lambda error: error["row"])
    raise ApiError(_("Nothing was changed: %(count)d row(s) are wrong, first row %(row)d: %(message)s")
                   % {"count": len(errors), "row": errors[0]["row"], "message": errors[0]["message"]},
                   details={"rows": errors})


def stock_bulk_apply(*, token, location: Warehouse, mode: str, reason: str, levels: dict[int, int]) -> int:
    """Apply checked rows in one transaction; an adjustment that would go below zero refuses the batch. Returns
    how many rows changed."""
    note = _("%(reason)s (API token “%(name)s”, mp_%(prefix)s)") % {"reason": reason, "name": token.name,
                                                                    "prefix": token.prefix}
    with transaction.atomic():
        if mode == "adjust":
            rows = stock_rows_lock(pairs={(location.pk, record_id) for record_id in levels})
            errors, targets = [], {}
            for record_id, delta in levels.items():
                row = rows.get((location.pk, record_id))
                now = row.on_hand if row else 0
                if now + delta < 0:
                    errors.append((record_id, now, delta))
                targets[record_id] = now + delta
            if errors:
                raise AdjustBelowZero(errors)
            levels = targets
        movements = stock_levels_set(location=location, levels=levels, actor=token.created_by, reason=note,
                                     reference=f"api:{token.prefix}")
    return len(movements)


class AdjustBelowZero(Exception):
    """Some adjustments would leave less than nothing on hand; nothing was written."""

    def __init__(self, errors):
        self.errors = errors  # [(stock record id, on hand, delta)]


class StockViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Stock levels at the token's locations; `bulk` sets or adjusts many SKUs of one location at once."""

    serializer_class = StockLevelSerializer
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        qs = token_scoped(WarehouseStock.objects.select_related("warehouse", "stockrecord"), self.request)
        params = self.request.query_params
        no_nul(params)
        if params.get("location"):
            if not params["location"].isdigit() or len(params["location"]) > 18:
                raise ApiError(_("location: give the id of one of your stock locations."),
                               details={"location": [_("A whole number.")]})
            qs = qs.filter(warehouse_id=int(params["location"]))
        if params.get("sku"):
            qs = qs.filter(stockrecord__partner_sku=params["sku"])
        return qs

    @extend_schema(parameters=[
        OpenApiParameter("location", int, description="Only this stock location."),
        OpenApiParameter("sku", str, description="Only this SKU."),
        OpenApiParameter("page_size", int, description="Rows per page (at most 500)."),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=StockBulkSerializer, responses={200: StockBulkResultSerializer}, parameters=[
        OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER,
                         description="A key of your choosing: a retry with the same key and body changes nothing "
                                     "and gets the first answer again; the same key with another body is a 409.")])
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        """Set (`mode: set`) or adjust (`mode: adjust`) units on hand of many SKUs at one location, all or nothing.

        Any bad row refuses the whole batch with a 400 whose `details.rows` lists every bad row (`row` is the
        index in `items`, from 0). Each change is a stock movement naming this token.
        """
        return idempotent(request, run=lambda: self._bulk(request))

    def _bulk(self, request) -> Response:
        token = request_token(request)
        location_id, mode, reason, items = bulk_body_check(request.data)
        location = token_locations(request).filter(pk=location_id).first()
        if location is None:
            raise ApiError(_("location: No stock location %(id)d among yours.") % {"id": location_id},
                           details={"location": [_("No stock location %(id)d among yours.") % {"id": location_id}]})
        levels, row_of, errors = bulk_rows_check(token=token, mode=mode, items=items)
        if errors:
            refuse_rows(errors)
        try:
            changed = stock_bulk_apply(token=token, location=location, mode=mode, reason=reason, levels=levels)
        except AdjustBelowZero as refused:
            message = _("Only %(now)d on hand; taking %(units)d would leave %(left)d.")
            refuse_rows([_row_error(*row_of[record_id], message % {"now": now, "units": -delta, "left": now + delta})
                         for record_id, now, delta in refused.errors])
        body = {"location": location.pk, "mode": mode, "rows": len(items), "changed": changed,
                "unchanged": len(items) - changed}
        return Response(body, status=status.HTTP_200_OK)


def register(router) -> None:
    """Add this module's viewsets to the /api/v1/ router."""
    router.register("stock", StockViewSet, basename="stock")
