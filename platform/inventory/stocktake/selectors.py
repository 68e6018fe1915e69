"""Stocktake queries: the counts and locations a portal may reach, a count's lines and entries, and the variance
report (expected at the start, movements since, expected now, counted, difference and its value).

Portal queries go through `parties.scoping.scoped()`: a count belongs to its location's supplier or store.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from inventory.models import StockMovement
from inventory.stocktake.models import Stocktake, StocktakeEntry, StocktakeLine
from parties.models import Warehouse
from parties.money import CENT
from parties.scoping import Scope, scoped

ZERO = Decimal("0.00")


def count_locations(*, scope: Scope, store=None, supplier=None) -> QuerySet[Warehouse]:
    """Locations a portal counts: the store's own (a shop floor, a stock room) or the supplier's warehouses."""
    qs = Warehouse.objects.select_related("supplier", "store")
    if store is not None:
        qs = qs.filter(store=store)
    elif supplier is not None:
        qs = qs.filter(supplier=supplier)
    else:
        qs = qs.none()
    return scoped(qs, scope=scope).order_by("code")


def stocktakes(*, scope: Scope, status: str = "") -> QuerySet[Stocktake]:
    """The counts the scope may see, newest first, with their number of lines and of lines counted."""
    qs = scoped(Stocktake.objects.all(), scope=scope)
    if status:
        qs = qs.filter(status=status)
    return (qs.select_related("location", "started_by", "approved_by")
            .annotate(line_count=Count("lines"), counted_count=Count("lines", filter=Q(lines__counted__isnull=False)))
            .order_by("-started_at", "-pk"))


def stocktake_in_scope(*, scope: Scope, pk: int) -> Stocktake:
    """One count the scope may see, else 404."""
    return get_object_or_404(stocktakes(scope=scope), pk=pk)


def stocktake_lines(*, stocktake: Stocktake, search: str = "", uncounted: bool = False,
                    limit: int = 50) -> list[StocktakeLine]:
    """Lines of the count by bin and SKU (at most `limit`), optionally only uncounted or matching `search`."""
    qs = StocktakeLine.objects.filter(stocktake=stocktake).select_related(
        "stock__stockrecord__product__parent")
    if search:
        qs = qs.filter(Q(stock__stockrecord__partner_sku__icontains=search)
                       | Q(stock__stockrecord__product__upc=search) | Q(stock__bin__istartswith=search)
                       | Q(stock__stockrecord__product__title__icontains=search))
    if uncounted:
        qs = qs.filter(counted__isnull=True)
    return list(qs.order_by("stock__bin", "stock__stockrecord__partner_sku")[:limit])


def recent_entries(*, stocktake: Stocktake, limit: int = 20) -> list[StocktakeEntry]:
    return list(StocktakeEntry.objects.filter(line__stocktake=stocktake)
                .select_related("line__stock__stockrecord", "counted_by").order_by("-at", "-pk")[:limit])


@dataclass
class VarianceLine:
    """One line of the report; `counted` None means nobody counted it (left out unless uncounted means zero)."""

    line_id: int
    sku: str
    title: str
    bin: str
    expected: int
    moved: int
    counted: int | None
    unit_cost: Decimal | None
    uncounted_zero: bool = False

    @property
    def expected_now(self) -> int:
        return self.expected + self.moved

    @property
    def is_counted(self) -> bool:
        return self.counted is not None

    @property
    def taken_as(self) -> int | None:
        """The count that approval posts: what was counted, 0 for an uncounted line if so chosen, else None."""
        if self.counted is not None:
            return self.counted
        return 0 if self.uncounted_zero else None

    @property
    def variance(self) -> int | None:
        taken = self.taken_as
        return None if taken is None else taken - self.expected_now

    @property
    def value(self) -> Decimal | None:
        if self.variance is None or self.unit_cost is None:
            return None
        return (self.unit_cost * self.variance).quantize(CENT)


@dataclass
class VarianceReport:
    stocktake: Stocktake
    uncounted_zero: bool
    lines: list[VarianceLine] = field(default_factory=list)

    @property
    def counted(self) -> list[VarianceLine]:
        return [line for line in self.lines if line.is_counted]

    @property
    def uncounted(self) -> list[VarianceLine]:
        return [line for line in self.lines if not line.is_counted]

    @property
    def differing(self) -> list[VarianceLine]:
        return [line for line in self.lines if line.variance]

    @property
    def units_over(self) -> int:
        return sum(line.variance for line in self.lines if line.variance and line.variance > 0)

    @property
    def units_short(self) -> int:
        return -sum(line.variance for line in self.lines if line.variance and line.variance < 0)

    @property
    def net_units(self) -> int:
        return self.units_over - self.units_short

    @property
    def value_over(self) -> Decimal:
        return sum((line.value for line in self.lines if line.value and line.value > 0), ZERO)

    @property
    def value_short(self) -> Decimal:
        return -sum((line.value for line in self.lines if line.value and line.value < 0), ZERO)

    @property
    def net_value(self) -> Decimal:
        return self.value_over - self.value_short

    @property
    def unpriced(self) -> list[VarianceLine]:
        """Differing lines whose SKU has no wholesale price (their value is unknown, not 0)."""
        return [line for line in self.differing if line.unit_cost is None]


def variance_report(*, stocktake: Stocktake, uncounted_zero: bool | None = None) -> VarianceReport:
    """Every line with its units at the start, the movements since (up to the approval, for an approved count),
    the count and the difference at the SKU's wholesale price; one query whatever the size."""
    zero = stocktake.uncounted_zero if uncounted_zero is None else uncounted_zero
    movements = StockMovement.objects.filter(stock_id=OuterRef("stock_id"), at__gt=stocktake.started_at)
    if stocktake.approved_at is not None:  # its own adjustments carry the approval's moment
        movements = movements.filter(at__lt=stocktake.approved_at)
    moved = movements.order_by().values("stock_id").annotate(total=Sum("on_hand_delta")).values("total")
    rows = (StocktakeLine.objects.filter(stocktake=stocktake)
            .annotate(moved=Coalesce(Subquery(moved, output_field=IntegerField()), 0))
            .order_by("stock__bin", "stock__stockrecord__partner_sku")
            .values_list("pk", "stock__stockrecord__partner_sku", "stock__stockrecord__product__title",
                         "stock__stockrecord__product__parent__title", "stock__bin", "expected", "moved", "counted",
                         "stock__stockrecord__wholesale_price"))
    report = VarianceReport(stocktake=stocktake, uncounted_zero=zero)
    for pk, sku, title, parent_title, bin_code, expected, moved_units, counted, cost in rows:
        name = f"{parent_title} ({title})" if parent_title and title else (title or parent_title or sku)
        report.lines.append(VarianceLine(line_id=pk, sku=sku, title=name, bin=bin_code, expected=expected,
                                         moved=moved_units, counted=counted, unit_cost=cost, uncounted_zero=zero))
    return report
