"""Fulfilment: whoever ships a group (a supplier's warehouse, a store's own location) sees it, ships it in one or
several parcels with carrier and tracking number, cancels it before shipping; stock follows every step; the
shopper's order page shows each step and every parcel; nobody reaches another party's groups or parcels."""

import re
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from oscar.core.loading import get_model

from distributor.models import PriceRule
from inventory.services import stock_receive
from parties.models import Warehouse
from payments.models import Payment
from payments.selectors import order_payment
from storefront.fulfilment import services
from storefront.models import FulfilmentGroup
from supplier.models import WarehouseStock
from tests import test_returns
from tests.distribution_helpers import list_in, record
from tests.payment_helpers import order_in
from tests.test_returns import basket_in, client_for, pay, place

Order = get_model("order", "Order")
Status = FulfilmentGroup.Status


def user(email):
    return get_user_model().objects.get(email=email)


def shown(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def stock(group, sku) -> tuple[int, int]:
    row = WarehouseStock.objects.get(warehouse=group.warehouse_id, stockrecord=record(sku))
    return row.on_hand, row.allocated


def fline(group, sku):
    return group.lines.get(line__partner_sku=sku)


listed, placed = test_returns.listed, test_returns.placed  # the fresh tea listed in Sunrise Online; an order of it


@pytest.fixture
def order(placed):
    """shopper@demo.test's order in Sunrise Online: 2 × LST-a and 1 × LST-b, shipped by green-leaf-tea's hz."""
    return placed


@pytest.fixture
def group(order):
    [group] = FulfilmentGroup.objects.filter(order=order)
    assert group.warehouse.code == "hz" and group.supplier.slug == "green-leaf-tea"
    return group


def ship(group, units: dict[str, int], *, carrier="SF Express", tracking="SF100", by="supplier@demo.test"):
    return services.fulfilment_group_ship(group=group, carrier=carrier, tracking_number=tracking,
                                          quantities={fline(group, sku).pk: n for sku, n in units.items()},
                                          actor=user(by))


# --- shipping -------------------------------------------------------------------------------------------------------


def test_two_parcels_ship_the_group_and_the_stock_leaves_unit_by_unit(group):
    assert stock(group, "LST-a") == (5, 2) and stock(group, "LST-b") == (2, 1)

    first = ship(group, {"LST-a": 1}, tracking="SF1001")
    group.refresh_from_db()
    assert group.status == Status.PACKED and group.shipped_at is None  # partly shipped
    assert stock(group, "LST-a") == (4, 1) and stock(group, "LST-b") == (2, 1)
    assert [(line.fulfilment_line.line.partner_sku, line.quantity) for line in first.lines.all()] == [("LST-a", 1)]

    ship(group, {"LST-a": 1, "LST-b": 1}, carrier="YTO", tracking="YT2002")
    group.refresh_from_db()
    assert group.status == Status.SHIPPED and group.shipped_at is not None
    assert stock(group, "LST-a") == (3, 0) and stock(group, "LST-b") == (1, 0)
    assert list(group.parcels.values_list("carrier", "tracking_number")) == [("SF Express", "SF1001"),
                                                                             ("YTO", "YT2002")]

    services.fulfilment_group_move(group=group, status=Status.DELIVERED, actor=user("supplier@demo.test"))
    group.refresh_from_db()
    assert group.status == Status.DELIVERED and group.delivered_at is not None


@pytest.mark.parametrize("units, carrier, tracking, message", [
    ({"LST-a": 3}, "SF", "T1", "at most 2 of Listing tea (50 g) (ordered 2, 0 already shipped)"),
    ({"LST-a": 0, "LST-b": 0}, "SF", "T1", "at least one unit"),
    ({}, "SF", "T1", "at least one unit"),
    ({"LST-a": -1}, "SF", "T1", "0 or more units"),
    ({"LST-a": 1}, "", "T1", "Enter the carrier"),
    ({"LST-a": 1}, "SF", "  ", "tracking number"),
])
def test_bad_parcels_are_refused_and_change_nothing(group, units, carrier, tracking, message):
    before = (stock(group, "LST-a"), stock(group, "LST-b"))
    with pytest.raises(ValidationError, match=re.escape(message)):
        ship(group, units, carrier=carrier, tracking=tracking)
    group.refresh_from_db()
    assert group.status == Status.PENDING and not group.parcels.exists()
    assert (stock(group, "LST-a"), stock(group, "LST-b")) == before


def test_more_than_is_left_after_a_parcel_is_refused(group):
    ship(group, {"LST-a": 2})
    before = stock(group, "LST-a")
    with pytest.raises(ValidationError, match=re.escape("at most 0 of Listing tea (50 g) (ordered 2, 2 already")):
        ship(group, {"LST-a": 1}, tracking="T2")
    assert stock(group, "LST-a") == before and group.parcels.count() == 1


def test_a_line_of_another_group_is_refused(group):
    other = FulfilmentGroup.objects.exclude(pk=group.pk).filter(status=Status.PENDING).first()
    with pytest.raises(ValidationError, match="not part of shipment"):
        services.fulfilment_group_ship(group=group, carrier="SF", tracking_number="T", actor=None,
                                       quantities={other.lines.first().pk: 1})
    assert not group.parcels.exists()


def test_a_shipped_or_cancelled_group_takes_no_parcel(group, order):
    services.fulfilment_group_cancel(group=group, reason="Shopper changed their mind", actor=user("supplier@demo.test"))
    before = stock(group, "LST-a")
    with pytest.raises(ValidationError, match="was cancelled: it cannot be shipped or given a tracking number"):
        ship(group, {"LST-a": 1})
    with pytest.raises(ValidationError, match="was cancelled"):
        services.fulfilment_group_move(group=group, status=Status.SHIPPED, actor=None)
    assert stock(group, "LST-a") == before and not group.parcels.exists()


def test_a_fully_shipped_group_takes_no_more_parcels(group):
    ship(group, {"LST-a": 2, "LST-b": 1})
    with pytest.raises(ValidationError, match="already shipped in full"):
        ship(group, {"LST-a": 1}, tracking="T9")
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        services.fulfilment_group_cancel(group=group, reason="late", actor=None)


def test_moving_to_shipped_ships_every_remaining_unit_as_one_parcel(group):
    """The demo's path: no tracking number, the rest of the units leave, stock follows."""
    ship(group, {"LST-b": 1})
    services.fulfilment_group_move(group=group, status=Status.SHIPPED, actor=None)
    group.refresh_from_db()
    assert group.status == Status.SHIPPED and group.parcels.count() == 2
    last = group.parcels.order_by("pk").last()
    assert last.tracking_number == "" and [(pl.fulfilment_line.line.partner_sku, pl.quantity)
                                           for pl in last.lines.all()] == [("LST-a", 2)]
    assert stock(group, "LST-a") == (3, 0) and stock(group, "LST-b") == (1, 0)
    with pytest.raises(ValidationError, match="cannot become"):
        services.fulfilment_group_move(group=group, status=Status.PACKED, actor=None)


def test_steps_move_forward_only(group):
    for status in (Status.PICKING, Status.PACKED):
        services.fulfilment_group_move(group=group, status=status, actor=None)
        group.refresh_from_db()
        assert group.status == status
    with pytest.raises(ValidationError, match="cannot become"):
        services.fulfilment_group_move(group=group, status=Status.PICKING, actor=None)
    with pytest.raises(ValidationError, match="cannot become"):
        services.fulfilment_group_move(group=group, status=Status.DELIVERED, actor=None)
    assert stock(group, "LST-a") == (5, 2)


# --- cancelling -----------------------------------------------------------------------------------------------------


def test_cancel_releases_the_allocation_and_cancels_the_unpaid_order(group, order):
    with pytest.raises(ValidationError, match="Say why"):
        services.fulfilment_group_cancel(group=group, reason=" ", actor=None)
    assert stock(group, "LST-a") == (5, 2)
    services.fulfilment_group_cancel(group=group, reason="Out of gift boxes", actor=user("supplier@demo.test"))
    group.refresh_from_db()
    order.refresh_from_db()
    assert group.status == Status.CANCELLED
    assert stock(group, "LST-a") == (5, 0) and stock(group, "LST-b") == (2, 0)
    assert order.status == "Cancelled"
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        services.fulfilment_group_cancel(group=group, reason="again", actor=None)


def test_cancel_after_a_parcel_is_refused(group):
    ship(group, {"LST-a": 1})
    with pytest.raises(ValidationError, match="already left in a parcel"):
        services.fulfilment_group_cancel(group=group, reason="late", actor=None)
    assert stock(group, "LST-a") == (4, 1)


def test_a_paid_order_gets_each_cancelled_shipment_back_and_the_rest_once_all_are(listed, online, dealer, sunrise,
                                                                                    shop):
    """6 × LST-a: 5 from the supplier's hz, 1 from the Nanjing Road floor (shared stock) → two groups."""
    list_in(dealer, sunrise, [shop], ["LST-a"], PriceRule.SUGGESTED)
    floor = Warehouse.objects.get(store=shop, code="floor")
    stock_receive(location=floor, items=[(record("LST-a").pk, 3)], actor=None, reason="test")
    order = place(basket_in(online, ("LST-a", 6), owner=user("shopper@demo.test")), online,
                  user=user("shopper@demo.test"))
    pay(order)
    groups = {g.warehouse.code: g for g in FulfilmentGroup.objects.filter(order=order)}
    assert set(groups) == {"hz", "floor"} and groups["floor"].supplier is None

    hz_units = groups["hz"].lines.get().quantity
    services.fulfilment_group_cancel(group=groups["hz"], reason="Damaged stock", actor=user("supplier@demo.test"))
    order.refresh_from_db()
    payment = order_payment(order=order)
    assert order.status == "Paid" and payment.status == Payment.Status.PARTIALLY_REFUNDED
    assert payment.amount_refunded == D("20.00") * hz_units  # LST-a at 20.00 each; the floor's units still ship

    services.fulfilment_group_cancel(group=groups["floor"], reason="Damaged stock", actor=user("distributor@demo.test"))
    order.refresh_from_db()
    payment = order_payment(order=order)
    assert order.status == "Cancelled"
    assert payment.status == Payment.Status.REFUNDED and payment.amount_refunded == order.total_incl_tax
    assert stock(groups["floor"], "LST-a") == (3, 0)


def test_cancelling_all_of_one_stores_shipment_refunds_its_delivery_charge_too(listed, online, dealer, sunrise, shop):
    """One order, two stores: Sunrise Online's LST-a ships from the supplier's hz, the Nanjing Road shop's from its
    own floor. Cancelling the shop's shipment refunds its item and its delivery charge; Online's still ships."""
    from storefront.models import ShippingRule

    list_in(dealer, sunrise, [shop], ["LST-a"], PriceRule.SUGGESTED)
    floor = Warehouse.objects.get(store=shop, code="floor")
    stock_receive(location=floor, items=[(record("LST-a").pk, 2)], actor=None, reason="test")
    ShippingRule.objects.update_or_create(store=shop, defaults={"flat_rate": D("6.00"), "free_over": None})
    ShippingRule.objects.filter(store=online).delete()
    shopper = user("shopper@demo.test")
    basket = basket_in(online, ("LST-a", 1), owner=shopper)
    basket.add_product(record("LST-a").product, quantity=1, store=shop)
    order = place(basket, online, user=shopper)
    pay(order)
    groups = {g.warehouse.code: g for g in FulfilmentGroup.objects.filter(order=order)}
    assert set(groups) == {"hz", "floor"}

    services.fulfilment_group_cancel(group=groups["floor"], reason="Shop closed", actor=user("distributor@demo.test"))
    order.refresh_from_db()
    payment = order_payment(order=order)
    assert order.status == "Paid" and payment.amount_refunded == D("26.00")  # 20.00 + the shop's 6.00 delivery
    assert stock(groups["floor"], "LST-a") == (2, 0)


# --- pages ----------------------------------------------------------------------------------------------------------


def test_the_supplier_ships_two_parcels_and_the_shopper_sees_both(group, order):
    supplier = client_for("supplier@demo.test")
    listing = shown(supplier.get("/supplier/fulfilment/"))
    assert f'data-group="{group.pk}"' in listing
    ship_url = f"/supplier/fulfilment/{group.pk}/ship/"
    form = shown(supplier.get(ship_url))
    assert f'name="qty_{fline(group, "LST-a").pk}"' in form and 'value="2"' in form  # defaults to what is left

    response = supplier.post(ship_url, {"carrier": "SF Express", "tracking_number": "SF-ONE-1",
                                        f"qty_{fline(group, 'LST-a').pk}": "1", f"qty_{fline(group, 'LST-b').pk}": "0"})
    assert response.status_code == 302
    detail = shown(supplier.get(f"/supplier/fulfilment/{group.pk}/"))
    assert "partly shipped" in detail and "SF-ONE-1" in detail

    shopper = client_for("shopper@demo.test")
    page = shown(shopper.get(f"/s/orders/{order.number}/"))
    assert "SF-ONE-1" in page and "partly shipped" in page

    too_many = supplier.post(ship_url, {"carrier": "SF Express", "tracking_number": "SF-X",
                                        f"qty_{fline(group, 'LST-a').pk}": "2"})
    assert "You can ship at most 1 of Listing tea (50 g)" in shown(too_many)
    assert stock(group, "LST-a") == (4, 1)

    supplier.post(ship_url, {"carrier": "YTO", "tracking_number": "YT-TWO-2",
                             f"qty_{fline(group, 'LST-a').pk}": "1", f"qty_{fline(group, 'LST-b').pk}": "1"})
    group.refresh_from_db()
    assert group.status == Status.SHIPPED
    page = shown(shopper.get(f"/s/orders/{order.number}/"))
    assert "SF-ONE-1" in page and "YT-TWO-2" in page and "partly shipped" not in page
    assert 'class="now">Shipped' in page

    supplier.post(f"/supplier/fulfilment/{group.pk}/", {"action": "delivered"})
    group.refresh_from_db()
    assert group.status == Status.DELIVERED
    parcel = group.parcels.order_by("pk").first()
    assert "SF-ONE-1" in shown(supplier.get(f"/supplier/fulfilment/parcels/{parcel.pk}/"))


def test_a_store_ships_its_own_locations_groups_and_the_shopper_sees_the_store(demo):
    order = order_in("sunrise-nanjing-road", quantity=2)
    [group] = FulfilmentGroup.objects.filter(order=order)
    assert group.supplier is None and group.warehouse.store.slug == "sunrise-nanjing-road"
    staff = client_for("shopstaff@demo.test")
    assert f'data-group="{group.pk}"' in shown(staff.get("/store/fulfilment/"))
    assert f'data-group="{group.pk}"' not in shown(client_for("supplier@demo.test").get("/supplier/fulfilment/"))
    assert client_for("multi@demo.test").get(f"/store/fulfilment/{group.pk}/").status_code == 404  # harbor-online

    staff.post(f"/store/fulfilment/{group.pk}/", {"action": "picking"})
    staff.post(f"/store/fulfilment/{group.pk}/", {"action": "packed"})
    group.refresh_from_db()
    assert group.status == Status.PACKED
    [line] = group.lines.all()
    sku = line.line.partner_sku
    assert stock(group, sku)[1] >= 2
    before = stock(group, sku)
    response = staff.post(f"/store/fulfilment/{group.pk}/ship/", {
        "carrier": "Shop courier", "tracking_number": "NJ-77", f"qty_{line.pk}": "2"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == Status.SHIPPED
    assert stock(group, sku) == (before[0] - 2, before[1] - 2)

    page = shown(client_for("shopper@demo.test").get(f"/s/orders/{order.number}/"))
    shipment = page.split(f'data-group="{group.pk}"')[1].split("</div>")[0]
    assert "NJ-77" in shipment and "1 item from Sunrise Nanjing Road" in shipment


def test_only_owners_and_managers_cancel_through_the_pages(group, order):
    staff = client_for("warehouse@demo.test")  # green-leaf-tea's warehouse staff: ships, but does not cancel
    assert "Only an owner or manager can cancel" in shown(staff.post(f"/supplier/fulfilment/{group.pk}/cancel/",
                                                                     {"reason": "no"}))
    group.refresh_from_db()
    assert group.status == Status.PENDING and stock(group, "LST-a") == (5, 2)

    owner = client_for("supplier@demo.test")
    assert "Say why" in shown(owner.post(f"/supplier/fulfilment/{group.pk}/cancel/", {"reason": ""}))
    response = owner.post(f"/supplier/fulfilment/{group.pk}/cancel/", {"reason": "Supplier out of stock"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == Status.CANCELLED and stock(group, "LST-a") == (5, 0)
    tracking = owner.post(f"/supplier/fulfilment/{group.pk}/ship/", {
        "carrier": "SF", "tracking_number": "SF-LATE", f"qty_{fline(group, 'LST-a').pk}": "1"})
    assert "SF-LATE" not in "".join(group.parcels.values_list("tracking_number", flat=True))
    assert tracking.status_code == 200 and stock(group, "LST-a") == (5, 0)
    page = shown(client_for("shopper@demo.test").get(f"/s/orders/{order.number}/"))
    assert f'data-group="{group.pk}" data-status="cancelled"' in page and "Cancelled" in page


def test_another_partys_group_and_parcel_are_404(group):
    ship(group, {"LST-a": 1})
    parcel = group.parcels.get()
    before = stock(group, "LST-a")
    for email, prefix in (("grain@demo.test", "/supplier"), ("shopstaff@demo.test", "/store"),
                          ("multi@demo.test", "/store")):
        client = client_for(email)
        assert f'data-group="{group.pk}"' not in shown(client.get(f"{prefix}/fulfilment/?status=packed"))
        for path in (f"{group.pk}/", f"{group.pk}/ship/", f"{group.pk}/cancel/", f"parcels/{parcel.pk}/"):
            assert client.get(f"{prefix}/fulfilment/{path}").status_code == 404
        assert client.post(f"{prefix}/fulfilment/{group.pk}/ship/", {
            "carrier": "X", "tracking_number": "Y", f"qty_{fline(group, 'LST-a').pk}": "1"}).status_code == 404
        assert client.post(f"{prefix}/fulfilment/{group.pk}/cancel/", {"reason": "x"}).status_code == 404
        assert client.post(f"{prefix}/fulfilment/{group.pk}/", {"action": "packed"}).status_code == 404
    assert stock(group, "LST-a") == before and group.parcels.count() == 1
    group.refresh_from_db()
    assert group.status == Status.PACKED
