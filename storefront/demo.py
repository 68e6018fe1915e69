"""Demo shopping: delivery rules per store and ~200 orders placed through the real basket and checkout code.

Deterministic (a seeded random), idempotent (skipped once its last order exists) and honest: every order is a
basket filled with `basket_add` and placed with `order_place`, then paid with `payment_mark_paid`, moved along
with `fulfilment_group_move`, and some returned with the returns services, as the people would. Orders are
spread over the last 60 days; stock that runs out simply makes the basket smaller.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from distributor.selectors import sellable_listings
from parties.models import Distributor, Store
from storefront.addresses import shipping_address_new
from storefront.models import FulfilmentGroup, ShippingRule

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Selector = get_class("partner.strategy", "Selector")

ORDER_COUNT = 200
COUPON = "SUNRISE10"  # distributor.promotions.demo: Sunrise Retail's coupon, on some baskets with its items
FIRST_NUMBER = 2001
SHOPPERS = [f"shopper{n:02d}@demo.test" for n in range(1, 13)]
SHOPPER_NAMES = ["Wang Fang", "Li Na", "Zhang Wei", "Liu Yang", "Chen Jing", "Yang Lei", "Zhao Min",
                 "Huang Tao", "Zhou Xin", "Wu Hao", "Xu Li", "Sun Qian"]
CITIES = [("Shanghai", "200001"), ("Hangzhou", "310000"), ("Nanjing", "210000"), ("Suzhou", "215000"),
          ("Beijing", "100000"), ("Shenzhen", "518000")]
DELIVERY = {  # store slug → (flat rate, free from)
    "sunrise-online": (Decimal("10.00"), Decimal("199.00")),
    "harbor-online": (Decimal("12.00"), Decimal("299.00")),
    "maple-online": (Decimal("8.00"), Decimal("149.00")),
    "maple-kids": (Decimal("8.00"), None),
}


def load_delivery_rules() -> None:
    from storefront.services import shipping_rule_set

    for slug, (rate, free_over) in DELIVERY.items():
        store = Store.objects.filter(slug=slug).first()
        if store is not None and not ShippingRule.objects.filter(store=store).exists():
            shipping_rule_set(store=store, flat_rate=rate, free_over=free_over, actor=None)


def _shoppers() -> list:
    User = get_user_model()
    users = []
    for email, name in zip(SHOPPERS, SHOPPER_NAMES, strict=True):
        first, last = name.split(" ")
        user, created = User.objects.get_or_create(email=email, defaults={
            "username": email.split("@")[0], "first_name": first, "last_name": last})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users.append(user)
    return users


def load_shop_orders() -> None:
    from distributor.promotions.services import basket_voucher_add
    from storefront.services import CheckoutError, basket_add, order_place

    if Order.objects.filter(number=f"DEMO-{FIRST_NUMBER + ORDER_COUNT - 1}").exists():
        return
    load_delivery_rules()
    rng = random.Random(2026)
    shoppers = _shoppers()
    operator = get_user_model().objects.filter(email="operator@demo.test").first()
    stores = [store for store in Store.objects.order_by("pk") if store.is_open]
    listings = {store.pk: list(sellable_listings(store=store).select_related("stockrecord__product")
                               .order_by("pk")) for store in stores}
    stores = [store for store in stores if listings[store.pk]]
    coupon_owner = Distributor.objects.filter(slug="sunrise-retail").values_list("pk", flat=True).first()
    now = timezone.now()
    for index in range(ORDER_COUNT):
        number = f"DEMO-{FIRST_NUMBER + index}"
        if Order.objects.filter(number=number).exists():
            continue
        user = rng.choice(shoppers) if rng.random() < 0.8 else None
        basket = Basket.objects.create(owner=user)
        basket.strategy = Selector().strategy()
        picked = rng.sample(stores, 2 if rng.random() < 0.15 else 1)
        for store in picked:
            for listing in rng.sample(listings[store.pk], min(len(listings[store.pk]), rng.randint(1, 3))):
                try:
                    basket_add(basket=basket, store=store, product=listing.stockrecord.product,
                               quantity=rng.choice([1, 1, 1, 2, 3]))
                except CheckoutError:  # sold out by earlier demo orders: a smaller basket
                    continue
        if basket.is_empty:
            basket.delete()
            continue
        if rng.random() < 0.3 and any(line.store.distributor_id == coupon_owner for line in basket.all_lines()):
            basket_voucher_add(basket=basket, code=COUPON, user=user or AnonymousUser())
        name = f"{user.first_name} {user.last_name}" if user else rng.choice(SHOPPER_NAMES)
        city, postcode = rng.choice(CITIES)
        placed_at = now - timedelta(days=rng.uniform(0, 60))
        try:
            order = order_place(basket=basket, user=user, guest_email=f"guest{index}@example.test",
                                shipping_address=shipping_address_new(name=name, city=city, postcode=postcode,
                                                                      line1=f"{rng.randint(1, 999)} Demo Road"),
                                order_number=number, date_placed=placed_at, notify=False)
        except CheckoutError:
            continue
        _progress(order=order, placed_at=placed_at, now=now, rng=rng, operator=operator)


def _progress(*, order, placed_at, now, rng, operator) -> None:
    """What happened next: most orders paid, most paid ones shipped and delivered, a few returned."""
    from payments.selectors import order_payment
    from payments.services import payment_mark_paid
    from storefront.fulfilment.services import fulfilment_group_move
    from storefront.returns.models import ReturnRequest
    from storefront.returns.services import return_request_create, return_request_decide, return_request_receive

    age = now - placed_at
    if rng.random() > 0.8 or age < timedelta(hours=2):
        return  # still waiting for the bank transfer
    payment_mark_paid(payment=order_payment(order=order), actor=operator)
    if age < timedelta(days=2) or rng.random() > 0.85:
        return
    shipped_at = placed_at + timedelta(days=1)
    delivered_at = placed_at + timedelta(days=3)
    for group in order.fulfilment_groups.all():
        fulfilment_group_move(group=group, status=FulfilmentGroup.Status.SHIPPED, at=shipped_at, actor=operator)
        if delivered_at < now:
            fulfilment_group_move(group=group, status=FulfilmentGroup.Status.DELIVERED, at=delivered_at,
                                  actor=operator)
    if delivered_at >= now or now - delivered_at > timedelta(days=6) or rng.random() > 0.6:
        return  # returns are asked for within the window (7 days after delivery by default)
    line = order.lines.order_by("pk").first()
    try:
        request = return_request_create(order=order, lines={line.pk: 1}, kind=ReturnRequest.Kind.RETURN,
                                        reason=rng.choice([ReturnRequest.Reason.DAMAGED, ReturnRequest.Reason.NONE]),
                                        note="", user=order.user)
    except ValidationError:  # e.g. this store's own window is shorter
        return
    if rng.random() < 0.6:
        request = return_request_decide(request=request, approve=rng.random() < 0.75, note="Demo decision.",
                                        actor=operator)
        if request.status == ReturnRequest.Status.APPROVED and rng.random() < 0.7:  # the parcel came back
            outcome = "write_off" if request.reason == ReturnRequest.Reason.DAMAGED else "restock"
            return_request_receive(request=request, actor=operator, note="Demo inspection.",
                                   decisions={returned.pk: outcome for returned in request.lines.all()})
