"""Demo promotions: one marketplace-wide (operator) offer, Sunrise Retail's coupon SUNRISE10, and a Harbor Goods
spend-and-save. Idempotent: a promotion already there (by name) is left as it is."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model

from distributor.promotions import selectors, services
from parties.models import Distributor

ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")

# (distributor slug or None for the operator, actor e-mail, input fields)
PROMOTIONS = [
    (None, "operator@demo.test", dict(kind=selectors.KIND_SPEND, name="Marketplace week: spend ¥300, save ¥20",
                                      threshold=Decimal("300.00"), amount=Decimal("20.00"))),
    ("sunrise-retail", "distributor@demo.test", dict(kind=selectors.KIND_COUPON, name="Sunrise 10% coupon",
                                                     code="SUNRISE10", coupon_discount=services.COUPON_PERCENTAGE,
                                                     percent=Decimal("10"), usage=services.USAGE_MULTI)),
    ("harbor-goods", "harbor@demo.test", dict(kind=selectors.KIND_SPEND, name="Spend ¥200, save ¥25",
                                              threshold=Decimal("200.00"), amount=Decimal("25.00"))),
]


def load_promotions() -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    User = get_user_model()
    for slug, email, fields in PROMOTIONS:
        distributor = Distributor.objects.filter(slug=slug).first() if slug else None
        if slug and distributor is None:
            continue
        full_name = services.offer_name(fields["name"], distributor)
        if (ConditionalOffer.objects.filter(name=full_name).exists()
                or (fields.get("code") and Voucher.objects.filter(code=fields["code"]).exists())):
            continue
        services.promotion_create(actor=User.objects.filter(email=email).first(), distributor=distributor,
                                  data=services.PromotionInput(start=now, end=now + timedelta(days=365), **fields))
