"""One shopper seen across stores: who bought where, and the figures of their profile.

Every query is narrowed by a `parties.scoping.Scope`: the operator's scope reaches every store; a distributor's
reaches its own stores only (`scoped(Store...)`, then lines, delivery charges and returns of those stores; return
requests through their own registration). So the same profile serves the back-office and the distributor portal.

Definitions (the pages say them too):
- an order *counts as a purchase* once it is paid: it has a payment that received money (paid, partially or
  fully refunded) and is not a duplicate payment;
- *spend* = the goods of paid orders (order lines incl. tax, after discounts) + the delivery each store charged;
  refunds are not netted out: they are shown apart, under returns;
- *favourite categories* = the three categories with the largest spend on goods (a variant counts in its
  parent product's category);
- *returns* = return requests on the shopper's orders (count) and what those refunded (`refund_amount` of the
  refunded ones).

The profile runs a fixed number of queries whatever the number of orders.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from oscar.core.loading import get_model

from parties.models import Store
from parties.scoping import Scope, scoped
from payments.models import Payment
from settlement.selectors import money
from storefront.models import OrderShipping
from storefront.returns.models import ReturnRequest

Line = get_model("order", "Line")
Order = get_model("order", "Order")
User = get_user_model()

FAVOURITE_CATEGORIES = 3


def paid_order_ids() -> QuerySet:
    """Ids of orders that received money (a subquery): a payment paid or refunded since, not a duplicate."""
    return Payment.objects.filter(status__in=Payment.RECEIVED, duplicate=False).values("order_id")


def _in_stores(queryset: QuerySet, *, scope: Scope, path: str = "store") -> QuerySet:
    """`queryset` narrowed to rows of the stores `scope` reaches (the operator: every row)."""
    if scope.is_operator:
        return queryset
    return queryset.filter(**{f"{path}__in": scoped(Store.objects.all(), scope=scope)})


def _search(queryset: QuerySet, text: str, prefix: str = "") -> QuerySet:
    text = (text or "").strip()
    if not text:
        return queryset
    condition = Q()
    for word in text.split():
        condition &= (Q(**{f"{prefix}email__icontains": word}) | Q(**{f"{prefix}first_name__icontains": word})
                      | Q(**{f"{prefix}last_name__icontains": word}))
    return queryset.filter(condition)


# --- lists -----------------------------------------------------------------------------------------------------


def customer_list(*, search: str = "") -> QuerySet:
    """The operator's list: every account, matched by e-mail or name, with its order count and last order."""
    users = _search(User.objects.all(), search)
    return (users.annotate(order_count=Count("orders", distinct=True), last_order=Max("orders__date_placed"))
            .order_by(F("last_order").desc(nulls_last=True), "email", "pk"))


def store_customer_list(*, scope: Scope, search: str = "") -> QuerySet:
    """A party's list: the accounts that ordered in its stores, with their orders there and the last one.

    Rows are dicts: user_id, email, first_name, last_name, order_count, last_order.
    """
    lines = _in_stores(Line.objects.filter(order__user__isnull=False), scope=scope)
    lines = _search(lines, search, prefix="order__user__")
    return (lines.values(user_id=F("order__user_id"), email=F("order__user__email"),
                         first_name=F("order__user__first_name"), last_name=F("order__user__last_name"))
            .annotate(order_count=Count("order", distinct=True), last_order=Max("order__date_placed"))
            .order_by("-last_order", "email"))


def customer_get(*, pk: int, scope: Scope):
    """The account `pk`, if `scope` may see it: the operator any; a party only a shopper of its stores (else 404)."""
    if scope.is_operator:
        return get_object_or_404(User, pk=pk)
    orders = _in_stores(Order.objects.filter(user_id=pk), scope=scope, path="lines__store")
    return get_object_or_404(User, pk=pk, pk__in=orders.values("user_id"))


# --- the profile -------------------------------------------------------------------------------------------------


@dataclass
class OrderRow:
    """One order's part in one store: its goods, that store's delivery charge, and the order's status."""

    order_id: int
    number: str
    placed: datetime
    status: str
    currency: str
    store_name: str
    goods: Decimal
    delivery: Decimal
    units: int

    @property
    def total(self) -> Decimal:
        return self.goods + self.delivery


@dataclass
class CustomerProfile:
    customer: object
    rows: list[OrderRow] = field(default_factory=list)
    order_count: int = 0
    paid_order_count: int = 0
    spend: Decimal = Decimal("0.00")
    first_purchase: datetime | None = None
    last_purchase: datetime | None = None
    categories: list[dict] = field(default_factory=list)  # [{"name", "spend"}], largest first
    return_count: int = 0
    refunded: Decimal = Decimal("0.00")


def customer_profile(*, customer, scope: Scope) -> CustomerProfile:
    """`customer`'s orders, spend, first/last purchase, favourite categories and returns within `scope`."""
    lines = _in_stores(Line.objects.filter(order__user=customer), scope=scope)
    paid_lines = lines.filter(order_id__in=paid_order_ids())
    charges = _in_stores(OrderShipping.objects.filter(order__user=customer), scope=scope)
    delivery = {(row["order_id"], row["store_id"]): row["charge"]
                for row in charges.values("order_id", "store_id", "charge")}

    rows = [
        OrderRow(order_id=row["order_id"], number=row["order__number"], placed=row["order__date_placed"],
                 status=row["order__status"], currency=row["order__currency"], store_name=row["store__name"] or "",
                 goods=money(row["goods"]), delivery=money(delivery.get((row["order_id"], row["store_id"]))),
                 units=row["units"] or 0)
        for row in lines.values("order_id", "order__number", "order__date_placed", "order__status",
                                "order__currency", "store_id", "store__name")
        .annotate(goods=Sum("line_price_incl_tax"), units=Sum("quantity"))
        .order_by("-order__date_placed", "-order_id", "store__name")
    ]
    paid = paid_lines.aggregate(goods=Sum("line_price_incl_tax"), orders=Count("order", distinct=True),
                                first=Min("order__date_placed"), last=Max("order__date_placed"))
    paid_delivery = charges.filter(order_id__in=paid_order_ids()).aggregate(total=Sum("charge"))["total"]
    categories = (paid_lines
                  .values(category_id=Coalesce("product__categories__id", "product__parent__categories__id"),
                          name=Coalesce("product__categories__name", "product__parent__categories__name"))
                  .filter(category_id__isnull=False)
                  .annotate(spend=Sum("line_price_incl_tax"))
                  .order_by("-spend", "name")[:FAVOURITE_CATEGORIES])
    requests = ReturnRequest.objects.filter(
        pk__in=scoped(ReturnRequest.objects.filter(order__user=customer), scope=scope).values("pk"))
    returns = requests.aggregate(count=Count("pk"), refunded=Sum("refund_amount",
                                                                  filter=Q(status=ReturnRequest.Status.REFUNDED)))
    return CustomerProfile(
        customer=customer, rows=rows, order_count=len({row.order_id for row in rows}),
        paid_order_count=paid["orders"] or 0, spend=money(paid["goods"]) + money(paid_delivery),
        first_purchase=paid["first"], last_purchase=paid["last"],
        categories=[{"name": row["name"], "spend": money(row["spend"])} for row in categories],
        return_count=returns["count"] or 0, refunded=money(returns["refunded"]),
    )
