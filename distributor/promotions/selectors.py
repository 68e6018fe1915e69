"""Promotion queries: a distributor's promotions with their kind, status, usage and discount given; what its
promotions may cover (the products and SKUs listed in its stores); who bears each discount of a placed order."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_model

from distributor.models import Listing
from parties.money import CENT
from parties.scoping import Scope, scoped

ConditionalOffer = get_model("offer", "ConditionalOffer")
Benefit = get_model("offer", "Benefit")
Condition = get_model("offer", "Condition")
Product = get_model("catalogue", "Product")
Voucher = get_model("voucher", "Voucher")

PLATFORM = "platform"  # the party key of discounts the marketplace (operator) bears

KIND_PERCENTAGE, KIND_SPEND, KIND_GIFT, KIND_COUPON = "percentage", "spend", "gift", "coupon"
KIND_LABELS = {
    KIND_PERCENTAGE: gettext_lazy("Percentage off"),
    KIND_SPEND: gettext_lazy("Spend X, save Y"),
    KIND_GIFT: gettext_lazy("Spend X, get a gift"),
    KIND_COUPON: gettext_lazy("Coupon code"),
}
STATUS_UPCOMING, STATUS_ACTIVE, STATUS_ENDED, STATUS_PAUSED = "upcoming", "active", "ended", "paused"
STATUS_LABELS = {
    STATUS_UPCOMING: gettext_lazy("Upcoming"),
    STATUS_ACTIVE: gettext_lazy("Active"),
    STATUS_ENDED: gettext_lazy("Ended"),
    STATUS_PAUSED: gettext_lazy("Paused"),
}


def promotion_list(*, scope: Scope) -> QuerySet:
    """The promotions in scope (a distributor's own; the operator's only with the operator scope), newest first."""
    return (scoped(ConditionalOffer.objects.all(), scope=scope)
            .select_related("condition", "condition__range", "benefit", "benefit__range", "distributor")
            .prefetch_related("vouchers").order_by("-date_created", "-pk"))


def promotion_kind(offer) -> str:
    if offer.offer_type == ConditionalOffer.VOUCHER:
        return KIND_COUPON
    if offer.benefit.type == Benefit.MULTIBUY:
        return KIND_GIFT
    if offer.benefit.type == Benefit.PERCENTAGE:
        return KIND_PERCENTAGE
    return KIND_SPEND


def promotion_status(offer, *, now: datetime | None = None) -> str:
    """ended (past its end, or used up), paused, upcoming (before its start) or active."""
    now = now or timezone.now()
    if (offer.end_datetime is not None and offer.end_datetime <= now) or offer.status == ConditionalOffer.CONSUMED:
        return STATUS_ENDED
    if offer.is_suspended:
        return STATUS_PAUSED
    if offer.start_datetime is not None and offer.start_datetime > now:
        return STATUS_UPCOMING
    return STATUS_ACTIVE


def promotion_voucher(offer):
    """The coupon's voucher (our coupons have exactly one), or None."""
    vouchers = list(offer.vouchers.all())
    return vouchers[0] if vouchers else None


def _money(value, currency: str = "CNY") -> str:
    from oscar.templatetags.currency_filters import currency as format_currency

    return format_currency(value, currency)


def promotion_summary(offer) -> str:
    """One line a seller reads: what the shopper gets, and for what."""
    kind = promotion_kind(offer)
    benefit, condition = offer.benefit, offer.condition
    if kind == KIND_GIFT:
        gift = benefit.range.all_products().first() if benefit.range else None
        return _("Spend %(threshold)s, get %(gift)s free") % {
            "threshold": _money(condition.value), "gift": product_label(gift) if gift else "?"}
    if benefit.type == Benefit.PERCENTAGE:
        what = _("%(percent)s%% off") % {"percent": _percent(benefit.value)}
    else:
        what = _("%(amount)s off") % {"amount": _money(benefit.value)}
    if condition.type == Condition.VALUE:
        return _("Spend %(threshold)s, %(what)s") % {"threshold": _money(condition.value), "what": what}
    product_range = benefit.range
    if product_range is not None and not product_range.includes_all_products:
        return _("%(what)s chosen items") % {"what": what}
    return _("%(what)s all items") % {"what": what}


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}" if value is not None else "?"


@dataclass(frozen=True)
class PromotionRow:
    offer: object
    kind: str
    kind_label: str
    status: str
    status_label: str
    summary: str
    voucher: object | None
    uses: int
    discount: Decimal

    @property
    def can_pause(self) -> bool:
        return self.status in {STATUS_UPCOMING, STATUS_ACTIVE}

    @property
    def can_resume(self) -> bool:
        return self.status == STATUS_PAUSED

    @property
    def can_end(self) -> bool:
        return self.status != STATUS_ENDED


def promotion_row(offer, *, now: datetime | None = None) -> PromotionRow:
    kind = promotion_kind(offer)
    status = promotion_status(offer, now=now)
    return PromotionRow(offer=offer, kind=kind, kind_label=str(KIND_LABELS[kind]), status=status,
                        status_label=str(STATUS_LABELS[status]), summary=promotion_summary(offer),
                        voucher=promotion_voucher(offer), uses=offer.num_orders,
                        discount=offer.total_discount.quantize(CENT))


def promotion_rows(*, scope: Scope, status: str = "") -> list[PromotionRow]:
    now = timezone.now()
    rows = [promotion_row(offer, now=now) for offer in promotion_list(scope=scope)]
    return [row for row in rows if row.status == status] if status else rows


def product_label(product) -> str:
    """A SKU's product as shoppers know it: "Tea · 100 g" for a variant, the title for a standalone product."""
    if product.parent_id is None:
        return product.title
    return f"{product.parent.title} · {product.title}" if product.title else product.parent.title


def _listings(scope: Scope) -> QuerySet:
    return scoped(Listing.objects.all(), scope=scope)


def listed_products(*, scope: Scope) -> QuerySet:
    """Top-level products with at least one SKU listed in a store in scope (what a percentage promotion may pick)."""
    return Product.objects.filter(pk__in=_listings(scope).values("entry__product_id")).order_by("title", "pk")


def listed_skus(*, scope: Scope) -> list[tuple[int, str]]:
    """(product id, "title · variant (SKU)") of every SKU listed in a store in scope: what may be given as a gift."""
    records = {}
    for listing in (_listings(scope).select_related("stockrecord__product__parent")
                    .order_by("stockrecord__partner_sku")):
        product = listing.stockrecord.product
        if product.pk not in records:
            records[product.pk] = f"{product_label(product)} ({listing.stockrecord.partner_sku})"
    return sorted(records.items(), key=lambda item: item[1])


def discount_costs(*, order) -> dict[int | str, Decimal]:
    """Who bears the discounts of a placed order: {distributor pk or "platform": amount}.

    Read from oscar's `OrderDiscount` rows (one per offer applied, basket and shipping discounts alike); an offer
    owned by a distributor is that distributor's cost, an operator offer (no owner) the platform's. An order whose
    offer has since been deleted cannot be attributed: that is an error, never a guess.
    """
    discounts = [discount for discount in order.discounts.all() if discount.amount]
    offer_ids = {discount.offer_id for discount in discounts}
    owners = dict(ConditionalOffer.objects.filter(pk__in=[pk for pk in offer_ids if pk is not None])
                  .values_list("pk", "distributor_id"))
    unknown = sorted(str(pk) for pk in offer_ids if pk not in owners)
    if unknown:
        raise LookupError(_("Order %(number)s has discounts of offers that no longer exist (%(offers)s): their cost "
                            "cannot be attributed.") % {"number": order.number, "offers": ", ".join(unknown)})
    costs: dict[int | str, Decimal] = {}
    for discount in discounts:
        owner = owners[discount.offer_id]
        key = owner if owner is not None else PLATFORM
        costs[key] = costs.get(key, Decimal("0.00")) + discount.amount
    return {key: amount.quantize(CENT) for key, amount in costs.items()}
