"""Each change that others must see leaves a notification for exactly the people it concerns (their notification
centre), written with the change: a rolled-back change leaves none."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from oscar.core.loading import get_model

from inventory.stocktake import services as stocktakes
from notifications.models import Notification, OutboxEvent
from parties.models import Membership, Role, Store, Warehouse
from storefront.allocation import SoldOut
from storefront.fulfilment import services as fulfilment
from storefront.models import FulfilmentGroup
from storefront.returns.models import ReturnRequest
from storefront.returns.services import return_request_create, return_request_decide
from supplier.models import WarehouseStock
from tests import test_returns
from tests.distribution_helpers import record
from tests.test_returns import basket_in, deliver, pay, place

Order = get_model("order", "Order")


def user(email):
    return get_user_model().objects.get(email=email)


def told(email, kind=None) -> list[dict]:
    """What `email`'s notification centre holds (newest first), as kind + details."""
    rows = Notification.objects.filter(user=user(email)).select_related("event").order_by("-event_id")
    if kind:
        rows = rows.filter(event__kind=kind)
    return [{"kind": row.event.kind, "link": row.link, **row.event.params} for row in rows]


@pytest.fixture
def fresh(demo):
    """Forget the demo's own notifications so each test sees only what it caused."""
    OutboxEvent.objects.all().delete()


# The returns tests' fixtures: the fresh tea listed in Sunrise Online, and shopper@demo.test's unpaid order of
# 2 × LST-a and 1 × LST-b there. Tests ask for `fresh` first, so they see only what the order caused.
listed, placed = test_returns.listed, test_returns.placed


def test_a_new_order_reaches_the_stores_people_only(fresh, placed):
    [news] = told("storeadmin@demo.test")
    assert news["kind"] == "order.placed" and news["number"] == str(placed.number) and news["items"] == 3
    assert news["link"] == "/store/"
    for outsider in ("harbor@demo.test", "supplier@demo.test", "shopstaff@demo.test", "shopper@demo.test"):
        assert told(outsider, "order.placed") == [], outsider


def test_a_sold_out_order_rolls_back_and_tells_nobody(fresh, listed, online):
    row = WarehouseStock.objects.get(warehouse__code="hz", stockrecord=record("LST-a"))
    basket = basket_in(online, ("LST-a", row.available + 1000), owner=user("shopper@demo.test"))
    with pytest.raises(SoldOut):
        place(basket, online, user=user("shopper@demo.test"))
    assert not OutboxEvent.objects.filter(kind__startswith="order.").exists()
    assert not Notification.objects.filter(event__kind__startswith="order.").exists()


def test_payment_tells_the_store_the_shopper_and_the_warehouse_that_ships(fresh, placed):
    pay(placed)
    assert [n["number"] for n in told("storeadmin@demo.test", "order.paid")] == [str(placed.number)]
    [mine] = told("shopper@demo.test", "order.paid")
    assert mine["link"] == f"/s/orders/{placed.number}/"
    [group] = FulfilmentGroup.objects.filter(order=placed)
    [to_ship] = told("supplier@demo.test", "fulfilment.to_ship")
    assert to_ship["group"] == group.pk and to_ship["units"] == 3
    assert to_ship["link"] == f"/supplier/fulfilment/{group.pk}/"
    assert told("harbor@demo.test") == [] and told("operator@demo.test", "order.paid") == []


def test_the_shopper_follows_parcels_delivery_and_cancellations(fresh, placed, online):
    pay(placed)
    [group] = FulfilmentGroup.objects.filter(order=placed)
    a = group.lines.get(line__partner_sku="LST-a")
    fulfilment.fulfilment_group_ship(group=group, carrier="SF Express", tracking_number="SF1", quantities={a.pk: 2},
                                     actor=user("supplier@demo.test"))
    fulfilment.fulfilment_group_move(group=group, status=FulfilmentGroup.Status.SHIPPED)
    fulfilment.fulfilment_group_move(group=group, status=FulfilmentGroup.Status.DELIVERED)
    kinds = [(n["kind"], n.get("tracking")) for n in told("shopper@demo.test")][:3]
    assert kinds == [("order.delivered", None), ("order.shipped", ""), ("order.shipped", "SF1")]
    other = place(basket_in(online, ("LST-b", 1), owner=user("shopper@demo.test")), online,
                  user=user("shopper@demo.test"))
    [second] = FulfilmentGroup.objects.filter(order=other)
    fulfilment.fulfilment_group_cancel(group=second, reason="Damaged in the warehouse",
                                       actor=user("supplier@demo.test"))
    [cancelled] = told("shopper@demo.test", "shipment.cancelled")
    assert cancelled["number"] == str(other.number) and cancelled["reason"] == "Damaged in the warehouse"


def test_a_return_request_reaches_the_store_and_its_decision_the_shopper(fresh, placed):
    pay(placed)
    deliver(placed)
    order = Order.objects.get(pk=placed.pk)
    request = return_request_create(order=order, lines={order.lines.get(partner_sku="LST-a").pk: 1}, kind="return",
                                    reason=ReturnRequest.Reason.DAMAGED, note="", user=user("shopper@demo.test"))
    [asked] = told("storeadmin@demo.test", "return.requested")
    assert asked["request"] == request.pk and asked["link"] == f"/store/returns/{request.pk}/"
    return_request_decide(request=request, approve=False, note="Opened and used.", actor=user("storeadmin@demo.test"))
    [decided] = told("shopper@demo.test", "return.rejected")
    assert decided["note"] == "Opened and used." and decided["link"] == f"/s/orders/{order.number}/returns/"


def test_low_stock_reaches_the_people_of_that_location(fresh):
    from inventory import services as inventory

    floor = Warehouse.objects.get(store__slug="sunrise-nanjing-road", code="floor")
    row = WarehouseStock.objects.filter(warehouse=floor).order_by("pk").first()
    inventory.stock_threshold_set(stock=row, threshold=row.available, actor=None)
    [low] = told("shopstaff@demo.test", "stock.low")
    assert low["sku"] == row.stockrecord.partner_sku and low["available"] == row.available
    assert low["link"] == "/store/stock/alerts/"
    assert told("storeadmin@demo.test") == [] and told("supplier@demo.test") == []


def test_review_steps_reach_the_operator_and_then_the_supplier(fresh):
    from parties.models import Supplier
    from supplier.models import ReviewState, SupplierProduct
    from supplier.services import product_approve, product_reject, product_submit

    tea = Supplier.objects.get(slug="green-leaf-tea")
    drafts = SupplierProduct.objects.filter(supplier=tea, state=ReviewState.DRAFT).order_by("pk")[:2]
    if len(drafts) < 2:
        drafts = list(SupplierProduct.objects.filter(supplier=tea).order_by("pk")[:2])
        SupplierProduct.objects.filter(pk__in=[d.pk for d in drafts]).update(state=ReviewState.DRAFT)
    first, second = [product_submit(actor=user("supplier@demo.test"), entry=entry) for entry in drafts]
    assert {n["entry"] for n in told("operator@demo.test", "product.submitted")} == {first.pk, second.pk}
    product_approve(actor=user("operator@demo.test"), entry=first)
    product_reject(actor=user("operator@demo.test"), entry=second, reason="Blurry photos")
    [approved] = told("supplier@demo.test", "product.approved")
    [rejected] = told("supplier@demo.test", "product.rejected")
    assert approved["entry"] == first.pk and rejected["reason"] == "Blurry photos"
    assert rejected["link"] == f"/supplier/products/{second.pk}/"
    assert told("harbor@demo.test") == []


def test_an_approved_stocktake_tells_the_shop(fresh):
    floor = Warehouse.objects.get(store__slug="sunrise-nanjing-road", code="floor")
    manager = get_user_model().objects.create_user(username="m", email="m@demo.test", password="x")
    Membership.objects.create(user=manager, store=floor.store, role=Role.MANAGER)
    row = WarehouseStock.objects.filter(warehouse=floor).order_by("pk").first()
    count = stocktakes.stocktake_start(location=floor, actor=manager, skus=[row.stockrecord.partner_sku])
    stocktakes.stocktake_count_add(stocktake=count, items=[(row.stockrecord.partner_sku, row.on_hand + 1)],
                                   actor=manager)
    stocktakes.stocktake_approve(stocktake=count, actor=manager)
    [approved] = told("shopstaff@demo.test", "stocktake.approved")
    assert approved["lines"] == 1 and approved["link"] == f"/store/stocktakes/{count.pk}/"


def test_a_user_in_two_audiences_is_told_once(fresh, online):
    from notifications.audiences import Audience
    from notifications.services import event_emit

    distributor_owner = user("distributor@demo.test")
    Membership.objects.get_or_create(user=distributor_owner, store=online, defaults={"role": Role.MANAGER})
    with transaction.atomic():
        event = event_emit(kind="order.placed", params={"number": "X-1"},
                           audiences=[Audience.store(online.pk), Audience.distributor(online.distributor_id)])
    assert Notification.objects.filter(event=event, user=distributor_owner).count() == 1
    assert [route["group"] for route in event.audiences] == [f"store.{online.pk}",
                                                             f"distributor.{online.distributor_id}"]


def online_distributor() -> int:
    return Store.objects.get(slug="sunrise-online").distributor_id


def test_nobody_to_tell_writes_nothing(fresh):
    from notifications.audiences import Audience
    from notifications.services import event_emit

    empty = Store.objects.create(slug="nobody-here", name="Nobody", distributor_id=online_distributor())
    with transaction.atomic():
        assert event_emit(kind="order.placed", audiences=[Audience.store(empty.pk)], params={}) is None
    assert not OutboxEvent.objects.exists()


def test_a_card_payment_confirmed_by_stripes_webhook_tells_the_same_people(fresh, placed):
    from payments.models import Payment
    from payments.money import to_minor
    from payments.services import payment_succeeded

    payment = Payment.objects.get(order=placed)
    Payment.objects.filter(pk=payment.pk).update(method="stripe", reference="pi_notify_1")
    outcome = payment_succeeded(reference="pi_notify_1", amount_minor=to_minor(payment.amount, payment.currency),
                                currency=payment.currency)
    assert outcome.text == "paid"
    assert [n["number"] for n in told("storeadmin@demo.test", "order.paid")] == [str(placed.number)]
    assert len(told("supplier@demo.test", "fulfilment.to_ship")) == 1
