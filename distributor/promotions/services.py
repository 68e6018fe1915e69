"""Promotion commands: create a distributor's (or the operator's) promotion as oscar offers, pause, resume and end
it; add and remove coupon codes on a shopper's basket.

Every promotion is an oscar `ConditionalOffer` with its condition, benefit and range; a distributor's offer and
range carry the distributor (the cost bearer and the scope: see oscar_apps.offer.models), so it only reaches
lines of that distributor's stores. The kinds map onto oscar like this:

- percentage: count condition (at least 1 item of the range) + percentage benefit on the range (all the
  distributor's listings, or chosen categories/products).
- spend X save Y: value condition (X worth of the range) + absolute benefit Y on the range, once per order.
- spend X get a gift: value condition (X worth of everything else) + oscar's multibuy benefit on a range holding
  only the gift, once per order: the gift in the basket becomes free. Multibuy ("the cheapest item of the benefit
  range is free") is the oscar benefit that gives one item away; the fixed-price benefit cannot follow a value
  condition and ignores the benefit range. The shopper adds the gift to the basket; the offer makes it free.
- coupon: a voucher (code, dates, usage) attached to a voucher-type offer giving a percentage or an amount off
  the distributor's listings (optionally from a minimum spend), once per order; "max uses" is the offer's
  `max_global_applications`.

Offers are exclusive (oscar's default): one promotion per item, never stacked discounts.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from oscar.apps.basket.signals import voucher_addition, voucher_removal
from oscar.core.loading import get_model

from audit.services import audit_record
from distributor.promotions import selectors
from parties.models import Distributor
from parties.money import CENT
from parties.scoping import Scope

ConditionalOffer = get_model("offer", "ConditionalOffer")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
Range = get_model("offer", "Range")
Voucher = get_model("voucher", "Voucher")
Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")

MAX_AMOUNT = Decimal("9999999999.99")
NAME_MAX = 80
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")

COUPON_PERCENTAGE, COUPON_AMOUNT = "percentage", "amount"
USAGE_SINGLE, USAGE_MULTI, USAGE_ONCE_PER_CUSTOMER = "single", "multi", "once_per_customer"
USAGES = {USAGE_SINGLE: Voucher.SINGLE_USE, USAGE_MULTI: Voucher.MULTI_USE,
          USAGE_ONCE_PER_CUSTOMER: Voucher.ONCE_PER_CUSTOMER}


class PromotionError(ValidationError):
    """The promotion request has these problems ({field: message}); nothing was written."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(list(problems.values()))


class VoucherError(ValidationError):
    """The voucher cannot be added or removed; the message tells the shopper why. The basket is unchanged."""

    def __init__(self, message: str):
        self.problem = message
        super().__init__(message)


@dataclass(frozen=True)
class PromotionInput:
    """What a seller asks for. Which figures count depends on `kind` (see the module docstring)."""

    kind: str
    name: str
    start: datetime | None
    end: datetime | None
    percent: Decimal | None = None  # percentage; coupon with a percentage discount
    threshold: Decimal | None = None  # spend, gift; a coupon's optional minimum spend
    amount: Decimal | None = None  # spend; coupon with an amount off
    gift_product_id: int | None = None  # gift: the SKU's product given away
    category_ids: tuple[int, ...] = ()  # percentage: only these categories (and below) ...
    product_ids: tuple[int, ...] = ()  # ... and/or these products; neither = all the distributor's listings
    code: str = ""  # coupon
    coupon_discount: str = COUPON_PERCENTAGE  # coupon: "percentage" or "amount"
    usage: str = USAGE_MULTI  # coupon: single, multi, once_per_customer
    max_uses: int | None = None  # coupon: optional cap on orders using it


def voucher_code_normalise(code: str) -> str:
    """Codes are compared without surrounding or inner spaces, in upper case."""
    return "".join((code or "").split()).upper()


# --- create ------------------------------------------------------------------------------------------------------


def _check_money(problems: dict, field: str, value, *, label: str, missing: str = "") -> Decimal | None:
    """A positive amount in yuan (at most 2 decimals); `missing` is the message when it is required and empty."""
    if value is None:
        if missing:
            problems[field] = missing
        return None
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        problems[field] = _("%(what)s must be a number.") % {"what": label}
        return None
    if not value.is_finite() or value <= 0:
        problems[field] = _("%(what)s must be more than zero.") % {"what": label}
    elif value != value.quantize(CENT) or value > MAX_AMOUNT:
        problems[field] = _("%(what)s must be in yuan with at most 2 decimals.") % {"what": label}
    else:
        return value.quantize(CENT)
    return None


def _check_percent(problems: dict, value) -> Decimal | None:
    if value is None:
        problems["percent"] = _("Enter the percentage off.")
        return None
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        problems["percent"] = _("The percentage must be a number.")
        return None
    if not value.is_finite() or value < 1 or value > 100:
        problems["percent"] = _("The percentage must be between 1 and 100.")
    elif value != value.quantize(CENT):
        problems["percent"] = _("The percentage may have at most 2 decimals.")
    else:
        return value.quantize(CENT)
    return None


def offer_name(name: str, distributor: Distributor | None) -> str:
    return f"{name} ({distributor.name})"[:128] if distributor is not None else name[:128]


def _check_common(data: PromotionInput, distributor: Distributor | None, problems: dict) -> str:
    name = " ".join((data.name or "").split())
    if not name:
        problems["name"] = _("Give the promotion a name shoppers will see.")
    elif len(name) > NAME_MAX:
        problems["name"] = _("Keep the name to %(max)d characters.") % {"max": NAME_MAX}
    else:
        full = offer_name(name, distributor)
        taken = (ConditionalOffer.objects.filter(name=full).exists() or Range.objects.filter(name=full).exists()
                 or Range.objects.filter(name=_gift_range_name(full)).exists()
                 or Voucher.objects.filter(name=full).exists())
        if taken:
            problems["name"] = _("You already have a promotion called “%(name)s”. Choose another name.") % {
                "name": name}
    if data.start is None:
        problems["start"] = _("Enter when the promotion starts.")
    if data.end is None:
        problems["end"] = _("Enter when the promotion ends.")
    if data.start is not None and data.end is not None:
        if data.end <= data.start:
            problems["end"] = _("The end must be after the start.")
        elif data.end <= timezone.now():
            problems["end"] = _("The end is already past: choose a later end.")
    return name


def _gift_range_name(full_name: str) -> str:
    return f"{full_name} · {_('gift')}"[:128]


def _check_products(problems: dict, data: PromotionInput, scope: Scope | None) -> tuple[list, list]:
    categories = list(Category.objects.filter(pk__in=set(data.category_ids)))
    if len(categories) != len(set(data.category_ids)):
        problems["categories"] = _("One of the chosen categories no longer exists.")
    allowed = selectors.listed_products(scope=scope) if scope is not None else Product.objects.all()
    products = list(allowed.filter(pk__in=set(data.product_ids)))
    if len(products) != len(set(data.product_ids)):
        problems["products"] = _("Choose only products listed in your stores.")
    return categories, products


def promotion_create(*, actor, distributor: Distributor | None, data: PromotionInput) -> ConditionalOffer:
    """Create the promotion (and its coupon) for `distributor`, or marketplace-wide when it is None (operator).

    Everything is checked first; on any problem a `PromotionError` names each one and nothing is written.
    """
    problems: dict[str, str] = {}
    if data.kind not in selectors.KIND_LABELS:
        raise PromotionError({"kind": _("Choose what kind of promotion to create.")})
    scope = Scope.for_party(distributor) if distributor is not None else None
    name = _check_common(data, distributor, problems)
    percent = amount = threshold = None
    categories, products, gift, code = [], [], None, ""
    if data.kind == selectors.KIND_PERCENTAGE:
        percent = _check_percent(problems, data.percent)
        categories, products = _check_products(problems, data, scope)
    elif data.kind == selectors.KIND_SPEND:
        threshold = _check_money(problems, "threshold", data.threshold, label=_("The amount to spend"),
                                 missing=_("Enter the amount to spend."))
        amount = _check_money(problems, "amount", data.amount, label=_("The amount off"),
                              missing=_("Enter the amount off."))
        if threshold is not None and amount is not None and amount >= threshold:
            problems["amount"] = _("The amount off must be less than the amount to spend.")
    elif data.kind == selectors.KIND_GIFT:
        threshold = _check_money(problems, "threshold", data.threshold, label=_("The amount to spend"),
                                 missing=_("Enter the amount to spend."))
        gifts = dict(selectors.listed_skus(scope=scope)) if scope is not None else None
        if data.gift_product_id is None:
            problems["gift"] = _("Choose the gift.")
        elif gifts is not None and data.gift_product_id not in gifts:
            problems["gift"] = _("Choose a gift listed in your stores.")
        else:
            gift = Product.objects.filter(pk=data.gift_product_id).first()
            if gift is None:
                problems["gift"] = _("Choose the gift.")
    else:
        code = _check_code(problems, data.code)
        if data.usage not in USAGES:
            problems["usage"] = _("Choose how often the code may be used.")
        if data.max_uses is not None and data.max_uses < 1:
            problems["max_uses"] = _("The maximum number of uses must be at least 1, or left empty.")
        if data.coupon_discount == COUPON_PERCENTAGE:
            percent = _check_percent(problems, data.percent)
        elif data.coupon_discount == COUPON_AMOUNT:
            amount = _check_money(problems, "amount", data.amount, label=_("The amount off"),
                              missing=_("Enter the amount off."))
        else:
            problems["coupon_discount"] = _("Choose a percentage or an amount off.")
        threshold = _check_money(problems, "threshold", data.threshold, label=_("The minimum spend"))
        if amount is not None and threshold is not None and amount >= threshold:
            problems["amount"] = _("The amount off must be less than the minimum spend.")
    if problems:
        raise PromotionError(problems)

    full_name = offer_name(name, distributor)
    with transaction.atomic():
        scope_range = Range.objects.create(name=full_name, distributor=distributor,
                                           includes_all_products=not (categories or products))
        if categories:
            scope_range.included_categories.set(categories)
        for product in products:
            scope_range.add_product(product)
        offer_fields = {"name": full_name, "distributor": distributor, "start_datetime": data.start,
                        "end_datetime": data.end, "max_basket_applications": 1}
        if data.kind == selectors.KIND_PERCENTAGE:
            condition = Condition.objects.create(range=scope_range, type=Condition.COUNT, value=1)
            benefit = Benefit.objects.create(range=scope_range, type=Benefit.PERCENTAGE, value=percent)
        elif data.kind == selectors.KIND_SPEND:
            condition = Condition.objects.create(range=scope_range, type=Condition.VALUE, value=threshold)
            benefit = Benefit.objects.create(range=scope_range, type=Benefit.FIXED, value=amount)
        elif data.kind == selectors.KIND_GIFT:
            scope_range.excluded_products.add(gift)  # the gift itself does not count towards the spend
            gift_range = Range.objects.create(name=_gift_range_name(full_name), distributor=distributor)
            gift_range.add_product(gift)
            condition = Condition.objects.create(range=scope_range, type=Condition.VALUE, value=threshold)
            benefit = Benefit.objects.create(range=gift_range, type=Benefit.MULTIBUY)
        else:
            condition = (Condition.objects.create(range=scope_range, type=Condition.VALUE, value=threshold)
                         if threshold is not None
                         else Condition.objects.create(range=scope_range, type=Condition.COUNT, value=1))
            benefit = (Benefit.objects.create(range=scope_range, type=Benefit.PERCENTAGE, value=percent)
                       if percent is not None
                       else Benefit.objects.create(range=scope_range, type=Benefit.FIXED, value=amount))
            offer_fields.update(offer_type=ConditionalOffer.VOUCHER, max_global_applications=data.max_uses)
        offer = ConditionalOffer.objects.create(condition=condition, benefit=benefit, **offer_fields)
        voucher = None
        if data.kind == selectors.KIND_COUPON:
            voucher = Voucher.objects.create(name=full_name, code=code, usage=USAGES[data.usage],
                                             start_datetime=data.start, end_datetime=data.end)
            voucher.offers.add(offer)
        audit_record(action="promotion.create", actor=actor, target=offer, changes={
            "kind": data.kind, "distributor": distributor.pk if distributor else None,
            "summary": selectors.promotion_summary(offer), "code": voucher.code if voucher else "",
            "start": data.start.isoformat(), "end": data.end.isoformat()})
    return offer


def _check_code(problems: dict, code: str) -> str:
    code = voucher_code_normalise(code)
    if not code:
        problems["code"] = _("Enter the coupon code shoppers will type.")
    elif not CODE_PATTERN.match(code):
        problems["code"] = _("A code has 3 to 32 letters, digits, dashes or underscores, starting with a letter "
                             "or digit.")
    elif Voucher.objects.filter(code__iexact=code).exists():
        problems["code"] = _("The code %(code)s is already taken. Choose another.") % {"code": code}
    return code


# --- pause, resume, end --------------------------------------------------------------------------------------


def promotion_set_paused(*, actor, offer, paused: bool) -> ConditionalOffer:
    """Pause (shoppers stop getting it) or resume a promotion that has not ended."""
    status = selectors.promotion_status(offer)
    if status == selectors.STATUS_ENDED:
        raise PromotionError({"__all__": _("This promotion has ended: it can no longer be paused or resumed.")})
    if paused == (status == selectors.STATUS_PAUSED):
        return offer
    with transaction.atomic():
        if paused:
            offer.suspend()
        else:
            offer.unsuspend()
        audit_record(action="promotion.pause" if paused else "promotion.resume", actor=actor, target=offer)
    return offer


def promotion_end(*, actor, offer) -> ConditionalOffer:
    """End a promotion now (its coupon too). Orders already placed keep their discounts."""
    if selectors.promotion_status(offer) == selectors.STATUS_ENDED:
        raise PromotionError({"__all__": _("This promotion has already ended.")})
    now = timezone.now()
    with transaction.atomic():
        offer.start_datetime = min(offer.start_datetime or now, now)
        offer.end_datetime = now
        offer.save()
        for voucher in offer.vouchers.all():
            voucher.start_datetime = min(voucher.start_datetime, now)
            voucher.end_datetime = now
            voucher.save()
        audit_record(action="promotion.end", actor=actor, target=offer)
    return offer


# --- vouchers on a shopper's basket ----------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def basket_voucher_add(*, basket, code: str, user) -> Voucher:
    """Add a coupon code to the basket; a `VoucherError` says why not (and nothing changes).

    The basket's offers are reset: the next `Applicator().apply` (the basket middleware, on the next request)
    prices the basket with the voucher's discount.
    """
    code = voucher_code_normalise(code)
    if not code:
        raise VoucherError(_("Enter a voucher code."))
    if basket.id is None or basket.is_empty:
        raise VoucherError(_("Add something to your basket before entering a voucher code."))
    if not basket.can_be_edited:
        raise VoucherError(_("This basket can no longer be changed."))
    voucher = Voucher.objects.filter(code=code).first()
    if voucher is None:
        raise VoucherError(_("There is no voucher with the code %(code)s. Check the spelling.") % {"code": code})
    if basket.vouchers.filter(pk=voucher.pk).exists():
        raise VoucherError(_("Voucher %(code)s is already in your basket.") % {"code": code})
    now = timezone.now()
    if voucher.start_datetime > now:
        raise VoucherError(_("Voucher %(code)s can only be used from %(start)s.") % {
            "code": code, "start": _when(voucher.start_datetime)})
    if voucher.end_datetime < now:
        raise VoucherError(_("Voucher %(code)s expired on %(end)s.") % {
            "code": code, "end": _when(voucher.end_datetime)})
    offers = list(voucher.offers.select_related("condition__range", "distributor"))
    if not offers:
        raise VoucherError(_("Voucher %(code)s gives no discount.") % {"code": code})
    signed_in = getattr(user, "is_authenticated", False)
    if voucher.usage == Voucher.SINGLE_USE and voucher.applications.exists():
        raise VoucherError(_("Voucher %(code)s has already been used: it was valid for one order only.") % {
            "code": code})
    if voucher.usage == Voucher.ONCE_PER_CUSTOMER:
        if not signed_in:
            raise VoucherError(_("Sign in to use voucher %(code)s: it can be used once per customer.") % {
                "code": code})
        if voucher.applications.filter(user=user).exists():
            raise VoucherError(_("You have already used voucher %(code)s: it can be used once per customer.") % {
                "code": code})
    if all(offer.is_suspended for offer in offers):
        raise VoucherError(_("Voucher %(code)s is paused by its seller. Try again later.") % {"code": code})
    open_offers = [offer for offer in offers if not offer.is_suspended and offer.get_max_applications() > 0]
    if not open_offers:
        raise VoucherError(_("Voucher %(code)s has been used up: it reached its maximum number of uses.") % {
            "code": code})
    lines = list(basket.all_lines())
    qualifying = any(offer.condition.proxy().can_apply_condition(line) for offer in open_offers for line in lines)
    if not qualifying:
        owners = {offer.distributor for offer in open_offers}
        if None not in owners:
            raise VoucherError(_("Voucher %(code)s is for items from %(seller)s's stores, and your basket has none.")
                               % {"code": code, "seller": ", ".join(sorted(str(owner) for owner in owners))})
        raise VoucherError(_("Nothing in your basket qualifies for voucher %(code)s.") % {"code": code})
    with transaction.atomic():
        basket.vouchers.add(voucher)
        voucher_addition.send(sender=basket_voucher_add, basket=basket, voucher=voucher)
    basket.reset_offer_applications()
    return voucher


def basket_voucher_remove(*, basket, code: str) -> Voucher:
    """Take a coupon code out of the basket (its discount goes with it)."""
    code = voucher_code_normalise(code)
    voucher = basket.vouchers.filter(code=code).first() if basket.id is not None and code else None
    if voucher is None:
        raise VoucherError(_("Voucher %(code)s is not in your basket.") % {"code": code})
    with transaction.atomic():
        basket.vouchers.remove(voucher)
        voucher_removal.send(sender=basket_voucher_remove, basket=basket, voucher=voucher)
    basket.reset_offer_applications()
    return voucher
