"""Fulfilment queries: the groups a portal user ships (through `parties.scoping`), a group with what is left to ship,
parcels, waves and a wave's pick list."""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parties.models import Store
from parties.scoping import Scope, scoped
from storefront.fulfilment.models import Parcel, ParcelLine, Wave, WaveGroup
from storefront.models import FulfilmentGroup, FulfilmentLine
from supplier.models import WarehouseStock

Status = FulfilmentGroup.Status
OPEN = "open"  # the list's default: every group not yet shipped in full
STATUS_CHOICES = [(OPEN, _("Not shipped yet")), *Status.choices]
AGE_CHOICES = [("4h", _("Older than 4 hours")), ("24h", _("Older than 1 day")), ("3d", _("Older than 3 days")),
               ("7d", _("Older than 7 days"))]
_AGE = re.compile(r"^(\d{1,4})([hd])$")


def parse_age(value: str) -> timedelta | None:
    """"12h" → 12 hours, "3d" → 3 days; anything else → no age filter."""
    match = _AGE.match((value or "").strip())
    if not match:
        return None
    number, unit = int(match.group(1)), match.group(2)
    return timedelta(hours=number) if unit == "h" else timedelta(days=number)


def _units(model, path: str):
    return Coalesce(Subquery(model.objects.filter(**{path: OuterRef("pk")}).values(path)
                             .annotate(n=Sum("quantity")).values("n")[:1], output_field=IntegerField()),
                    Value(0))


def _lines_prefetch():
    return Prefetch("lines", queryset=FulfilmentLine.objects.select_related(
        "line", "line__store", "line__product", "line__product__parent").order_by("pk"))


def fulfilment_groups(*, scope: Scope, status: str = OPEN, store_id: int | None = None, carrier: str = "",
                      sku: str = "", older_than: timedelta | None = None) -> QuerySet[FulfilmentGroup]:
    """The groups the scope ships, oldest order first, each with `units` and `shipped` (units in parcels).

    `status`: one of the group statuses, or "open" (to pick, picking or packed); `store_id`: orders of that store;
    `carrier`: the group's carrier; `sku`: text in an item's SKU or title; `older_than`: placed before now − that.
    """
    qs = scoped(FulfilmentGroup.objects.all(), scope=scope)
    if status == OPEN:
        qs = qs.filter(status__in=(Status.PENDING, Status.PICKING, Status.PACKED))
    elif status in Status.values:
        qs = qs.filter(status=status)
    if store_id:
        qs = qs.filter(pk__in=FulfilmentLine.objects.filter(line__store_id=store_id).values("group_id"))
    if carrier:
        qs = qs.filter(carrier=carrier)
    if sku:
        qs = qs.filter(pk__in=FulfilmentLine.objects.filter(
            Q(line__partner_sku__icontains=sku) | Q(line__title__icontains=sku)).values("group_id"))
    if older_than is not None:
        qs = qs.filter(order__date_placed__lt=timezone.now() - older_than)
    return (qs.annotate(units=_units(FulfilmentLine, "group"), shipped=_units(ParcelLine, "parcel__group"))
            .select_related("order", "warehouse", "warehouse__store", "supplier")
            .prefetch_related(_lines_prefetch())
            .order_by("order__date_placed", "pk"))


def filter_choices(*, scope: Scope) -> dict:
    """The stores and carriers of the groups the scope ships and has not shipped yet (for the list's filters)."""
    open_groups = scoped(FulfilmentGroup.objects.all(), scope=scope).filter(
        status__in=(Status.PENDING, Status.PICKING, Status.PACKED))
    store_ids = FulfilmentLine.objects.filter(group__in=open_groups.values("pk")).values("line__store_id")
    stores = Store.objects.filter(pk__in=store_ids).order_by("name", "pk")
    carriers = sorted({c for c in open_groups.order_by().values_list("carrier", flat=True).distinct() if c})
    return {"stores": [(store.pk, store.name) for store in stores], "carriers": [(c, c) for c in carriers]}


@dataclass
class LineToShip:
    fline: FulfilmentLine
    shipped: int

    @property
    def remaining(self) -> int:
        return self.fline.quantity - self.shipped


@dataclass
class GroupDetail:
    group: FulfilmentGroup
    lines: list[LineToShip]
    parcels: list[Parcel]
    waves: list[Wave] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return sum(row.remaining for row in self.lines)

    @property
    def partly_shipped(self) -> bool:
        return bool(self.parcels) and self.group.status in (Status.PENDING, Status.PICKING, Status.PACKED)


def fulfilment_group_in_scope(*, scope: Scope, pk: int) -> FulfilmentGroup:
    """One group the scope ships, else 404."""
    return get_object_or_404(scoped(FulfilmentGroup.objects.all(), scope=scope)
                             .select_related("order", "warehouse", "warehouse__store", "supplier"), pk=pk)


def group_detail(*, group: FulfilmentGroup) -> GroupDetail:
    """The group's lines with units shipped and left, its parcels (with their lines) and waves."""
    shipped = dict(ParcelLine.objects.filter(parcel__group=group).values("fulfilment_line_id")
                   .annotate(n=Sum("quantity")).values_list("fulfilment_line_id", "n"))
    lines = [LineToShip(fline=fline, shipped=shipped.get(fline.pk, 0)) for fline in
             group.lines.select_related("line", "line__store", "line__product", "line__product__parent")
             .order_by("pk")]
    return GroupDetail(group=group, lines=lines, parcels=list(_parcels().filter(group=group)),
                       waves=list(Wave.objects.filter(wave_groups__group=group).order_by("-created_at", "-pk")))


def _parcels() -> QuerySet[Parcel]:
    return (Parcel.objects.select_related("shipped_by")
            .prefetch_related(Prefetch("lines", queryset=ParcelLine.objects.select_related(
                "fulfilment_line__line", "fulfilment_line__line__product",
                "fulfilment_line__line__product__parent").order_by("pk")))
            .order_by("shipped_at", "pk"))


def parcel_in_scope(*, scope: Scope, pk: int) -> Parcel:
    """One parcel of a group the scope ships, with its lines, else 404."""
    return get_object_or_404(scoped(_parcels(), scope=scope).select_related(
        "group", "group__order", "group__order__shipping_address", "group__warehouse"), pk=pk)


def waves(*, scope: Scope, status: str = "") -> QuerySet[Wave]:
    """The scope's waves, newest first, each with `group_count`."""
    qs = scoped(Wave.objects.all(), scope=scope)
    if status in Wave.Status.values:
        qs = qs.filter(status=status)
    counts = (WaveGroup.objects.filter(wave=OuterRef("pk")).values("wave")
              .annotate(n=Count("pk")).values("n")[:1])
    return (qs.annotate(group_count=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0)))
            .select_related("location", "created_by").order_by("-created_at", "-pk"))


def wave_in_scope(*, scope: Scope, pk: int) -> Wave:
    return get_object_or_404(waves(scope=scope), pk=pk)


@dataclass
class PickItem:
    """One SKU to take from one bin: total units and the orders they go to."""

    sku: str
    title: str
    units: int = 0
    orders: list[tuple[str, int]] = field(default_factory=list)  # (order number, units)


@dataclass
class PickBin:
    bin: str
    items: list[PickItem]


@dataclass
class PickLocation:
    location: object
    bins: list[PickBin]

    @property
    def units(self) -> int:
        return sum(item.units for b in self.bins for item in b.items)


def pick_list(*, wave: Wave) -> list[PickLocation]:
    """What to pick for the wave's groups that are still to be picked (cancelled or shipped ones drop out), by
    location, then bin (`WarehouseStock.bin`, the shelf code; no bin last), then SKU. Three queries."""
    flines = list(FulfilmentLine.objects.filter(group__wave_groups__wave=wave,
                                                group__status__in=(Status.PENDING, Status.PICKING, Status.PACKED))
                  .select_related("group__order", "group__warehouse", "line", "line__product",
                                  "line__product__parent").order_by("group__order__number", "pk"))
    bins = {}
    if flines:
        condition = Q()
        for fline in flines:
            condition |= Q(warehouse_id=fline.group.warehouse_id, stockrecord_id=fline.line.stockrecord_id)
        bins = {(row.warehouse_id, row.stockrecord_id): row.bin
                for row in WarehouseStock.objects.filter(condition).only("warehouse_id", "stockrecord_id", "bin")}
    tree: dict[int, tuple[object, dict[str, dict[str, PickItem]]]] = {}
    for fline in flines:
        location = fline.group.warehouse
        shelf = bins.get((location.pk, fline.line.stockrecord_id), "") or ""
        _loc, by_bin = tree.setdefault(location.pk, (location, {}))
        item = by_bin.setdefault(shelf, {}).setdefault(
            fline.line.partner_sku, PickItem(sku=fline.line.partner_sku, title=fline.line.title))
        item.units += fline.quantity
        item.orders.append((fline.group.order.number, fline.quantity))
    result = []
    for location, by_bin in (tree[key] for key in sorted(tree, key=lambda pk: tree[pk][0].code)):
        shelves = sorted(by_bin, key=lambda name: (name == "", name))
        result.append(PickLocation(location=location, bins=[
            PickBin(bin=shelf, items=[by_bin[shelf][sku] for sku in sorted(by_bin[shelf])]) for shelf in shelves]))
    return result
