"""Stocktaking: start a count of one location, several people count (adding up), correct a line, read the
variance report, approve (the stock becomes what was counted, sales during the count included) or cancel;
bad input is refused with stock untouched; nobody counts another party's stock."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from inventory.models import MovementKind, StockMovement
from inventory.services import Move, stock_moves_apply, stock_rows_lock, stock_ship
from inventory.stocktake import selectors, services
from inventory.stocktake.models import Stocktake, StocktakeEntry
from parties.models import Membership, Role, Store, Warehouse
from supplier.models import WarehouseStock

D = Decimal


def user(email):
    return get_user_model().objects.get(email=email)


@pytest.fixture
def floor(demo):
    return Warehouse.objects.get(store__slug="sunrise-nanjing-road", code="floor")


@pytest.fixture
def staff(demo):
    return user("shopstaff@demo.test")


@pytest.fixture
def manager(demo):
    """An owner-level person for the shop: a manager membership of sunrise-nanjing-road."""
    person = get_user_model().objects.create_user(username="floor-manager", email="floormanager@demo.test",
                                                  password="x")
    Membership.objects.create(user=person, store=Store.objects.get(slug="sunrise-nanjing-road"), role=Role.MANAGER)
    return person


def rows(location):
    return list(WarehouseStock.objects.filter(warehouse=location).select_related("stockrecord__product")
                .order_by("stockrecord__partner_sku"))


def on_hand(location):
    return {row.stockrecord.partner_sku: row.on_hand for row in rows(location)}


def line_of(stocktake, sku):
    return stocktake.lines.get(stock__stockrecord__partner_sku=sku)


# --- starting ----------------------------------------------------------------------------------------------------


def test_a_count_of_all_skus_remembers_the_units_on_hand_at_its_start(floor, staff):
    before = on_hand(floor)
    stocktake = services.stocktake_start(location=floor, actor=staff)
    assert stocktake.status == Stocktake.Status.COUNTING and stocktake.started_by == staff
    expected = dict(stocktake.lines.values_list("stock__stockrecord__partner_sku", "expected"))
    assert expected == before and len(expected) >= 2
    assert all(line.counted is None for line in stocktake.lines.all())


def test_a_count_of_some_skus_by_sku_or_barcode(floor, staff):
    first, second, *_rest = rows(floor)
    product = second.stockrecord.product
    product.upc = "6901234567892"
    product.save()
    stocktake = services.stocktake_start(location=floor, actor=staff,
                                         skus=[first.stockrecord.partner_sku, "6901234567892"])
    assert set(stocktake.lines.values_list("stock_id", flat=True)) == {first.pk, second.pk}


def test_starting_is_refused_for_unknown_skus_overlaps_and_outsiders(floor, staff):
    first = rows(floor)[0]
    with pytest.raises(ValidationError, match="NOPE-404"):
        services.stocktake_start(location=floor, actor=staff, skus=["NOPE-404"])
    with pytest.raises(ValidationError, match="Nothing to count"):
        services.stocktake_start(location=floor, actor=staff, bin_prefix="ZZZ")
    services.stocktake_start(location=floor, actor=staff, skus=[first.stockrecord.partner_sku])
    with pytest.raises(ValidationError, match="Already being counted") as refused:
        services.stocktake_start(location=floor, actor=staff)
    assert first.stockrecord.partner_sku in str(refused.value)
    with pytest.raises(ValidationError, match="Only people working for"):
        services.stocktake_start(location=floor, actor=user("harbor@demo.test"))
    assert Stocktake.objects.filter(location=floor).count() == 1


# --- counting ----------------------------------------------------------------------------------------------------


def test_counts_of_several_people_add_up_and_a_correction_replaces_them(floor, staff, manager):
    first = rows(floor)[0]
    sku = first.stockrecord.partner_sku
    product = first.stockrecord.product
    product.upc = "4006381333931"
    product.save()
    stocktake = services.stocktake_start(location=floor, actor=staff)
    [result] = services.stocktake_count_add(stocktake=stocktake, items=[(sku, 5)], actor=staff)
    assert (result.sku, result.counted) == (sku, 5)
    # a second person scans the barcode on the other shelf, in lower case and twice in one batch
    services.stocktake_count_add(stocktake=stocktake, items=[("4006381333931", 2), (sku.lower(), 1)], actor=manager)
    assert line_of(stocktake, sku).counted == 8
    entries = StocktakeEntry.objects.filter(line__stocktake=stocktake).order_by("pk")
    assert [(entry.quantity, entry.counted_by) for entry in entries] == [(5, staff), (2, manager), (1, manager)]
    result = services.stocktake_count_set(stocktake=stocktake, code=sku, quantity=7, actor=manager)
    assert result.counted == 7 and line_of(stocktake, sku).counted == 7
    services.stocktake_count_add(stocktake=stocktake, items=[(sku, 1)], actor=staff)
    assert line_of(stocktake, sku).counted == 8


def test_bad_counts_are_refused_and_change_nothing(floor, staff):
    first, second, *_rest = rows(floor)
    stocktake = services.stocktake_start(location=floor, actor=staff, skus=[first.stockrecord.partner_sku])
    sku = first.stockrecord.partner_sku
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.stocktake_count_add(stocktake=stocktake, items=[(sku, 3), (sku, -1)], actor=staff)
    with pytest.raises(ValidationError, match="Unknown SKU or barcode .*NOPE-9"):
        services.stocktake_count_add(stocktake=stocktake, items=[(sku, 3), ("NOPE-9", 1)], actor=staff)
    with pytest.raises(ValidationError, match="Not part of count") as refused:
        services.stocktake_count_add(stocktake=stocktake, items=[(second.stockrecord.partner_sku, 1)], actor=staff)
    assert second.stockrecord.partner_sku in str(refused.value)
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.stocktake_count_set(stocktake=stocktake, code=sku, quantity=-2, actor=staff)
    with pytest.raises(ValidationError, match="Only people working for"):
        services.stocktake_count_add(stocktake=stocktake, items=[(sku, 1)], actor=user("harbor@demo.test"))
    assert line_of(stocktake, sku).counted is None
    assert not StocktakeEntry.objects.filter(line__stocktake=stocktake).exists()


# --- approving and cancelling -------------------------------------------------------------------------------------


def test_approving_sets_counted_lines_and_leaves_uncounted_ones(floor, staff, manager):
    first, second, third, *_rest = rows(floor)
    before = on_hand(floor)
    stocktake = services.stocktake_start(location=floor, actor=staff)
    services.stocktake_count_add(stocktake=stocktake, actor=staff, items=[
        (first.stockrecord.partner_sku, first.on_hand - 3), (second.stockrecord.partner_sku, second.on_hand + 2),
        (third.stockrecord.partner_sku, third.on_hand)])
    with pytest.raises(ValidationError, match="owner or manager"):
        services.stocktake_approve(stocktake=stocktake, actor=staff)
    assert on_hand(floor) == before
    services.stocktake_approve(stocktake=stocktake, actor=manager)
    after = on_hand(floor)
    expected = {**before, first.stockrecord.partner_sku: first.on_hand - 3,
                second.stockrecord.partner_sku: second.on_hand + 2}
    assert after == expected
    movements = StockMovement.objects.filter(reference=stocktake.code)
    assert sorted((m.stock_id, m.kind, m.on_hand_delta, m.reason) for m in movements) == sorted([
        (first.pk, MovementKind.ADJUST, -3, "Stocktake"), (second.pk, MovementKind.ADJUST, 2, "Stocktake")])
    stocktake.refresh_from_db()
    assert stocktake.status == Stocktake.Status.APPROVED and stocktake.approved_by == manager
    # the oscar totals follow the ledger
    first.stockrecord.refresh_from_db()
    assert first.stockrecord.num_in_stock == sum(WarehouseStock.objects.filter(
        stockrecord=first.stockrecord).values_list("on_hand", flat=True))
    # a second approval, more counts or a cancel are refused; stock stays
    with pytest.raises(ValidationError, match="already approved"):
        services.stocktake_approve(stocktake=stocktake, actor=manager)
    with pytest.raises(ValidationError, match="already approved"):
        services.stocktake_count_add(stocktake=stocktake, items=[(first.stockrecord.partner_sku, 1)], actor=staff)
    with pytest.raises(ValidationError, match="already approved"):
        services.stocktake_cancel(stocktake=stocktake, actor=manager)
    assert on_hand(floor) == after
    assert StockMovement.objects.filter(reference=stocktake.code).count() == 2


def test_uncounted_means_zero_when_the_approver_ticks_it(floor, staff, manager):
    first, second, *_rest = rows(floor)
    stocktake = services.stocktake_start(location=floor, actor=staff,
                                         skus=[first.stockrecord.partner_sku, second.stockrecord.partner_sku])
    services.stocktake_count_add(stocktake=stocktake, items=[(first.stockrecord.partner_sku, 4)], actor=staff)
    report = selectors.variance_report(stocktake=stocktake, uncounted_zero=True)
    assert [line.sku for line in report.uncounted] == [second.stockrecord.partner_sku]
    services.stocktake_approve(stocktake=stocktake, actor=manager, uncounted_zero=True)
    now = on_hand(floor)
    assert now[first.stockrecord.partner_sku] == 4 and now[second.stockrecord.partner_sku] == 0


def test_approving_nothing_counted_is_refused(floor, staff, manager):
    before = on_hand(floor)
    stocktake = services.stocktake_start(location=floor, actor=staff)
    with pytest.raises(ValidationError, match="Nothing was counted"):
        services.stocktake_approve(stocktake=stocktake, actor=manager)
    assert on_hand(floor) == before and Stocktake.objects.get(pk=stocktake.pk).is_open


def test_a_cancelled_count_changes_no_stock_and_takes_no_more_counts(floor, staff, manager):
    first = rows(floor)[0]
    before = on_hand(floor)
    stocktake = services.stocktake_start(location=floor, actor=staff)
    services.stocktake_count_add(stocktake=stocktake, items=[(first.stockrecord.partner_sku, 1)], actor=staff)
    with pytest.raises(ValidationError, match="Only an owner or manager, or whoever started it"):
        services.stocktake_cancel(stocktake=stocktake, actor=user("harbor@demo.test"))
    services.stocktake_cancel(stocktake=stocktake, actor=staff)  # who started it may drop it
    for attempt in (lambda: services.stocktake_approve(stocktake=stocktake, actor=manager),
                    lambda: services.stocktake_count_add(stocktake=stocktake, actor=staff,
                                                         items=[(first.stockrecord.partner_sku, 1)]),
                    lambda: services.stocktake_cancel(stocktake=stocktake, actor=manager)):
        with pytest.raises(ValidationError, match="was cancelled"):
            attempt()
    assert on_hand(floor) == before
    # the SKUs are free to be counted again
    assert services.stocktake_start(location=floor, actor=staff).lines.count() == len(before)


# --- sales during the count, and the variance report -------------------------------------------------------------


def test_sales_during_the_count_are_not_mistaken_for_a_difference(floor, staff, manager):
    from tests.payment_helpers import order_in

    stocktake = services.stocktake_start(location=floor, actor=staff)
    # a shopper's order draws on the shop's own stock first; it ships while the count goes on
    order = order_in("sunrise-nanjing-road", quantity=2)
    allocated = list(StockMovement.objects.filter(order=order, kind=MovementKind.ALLOCATE, stock__warehouse=floor))
    assert allocated, "the order should draw on the shop floor"
    shipped = allocated[0].stock
    stock_ship(items=[(floor.pk, shipped.stockrecord_id, allocated[0].allocated_delta)], order=order)
    # and an in-shop sale of another SKU
    sold = next(row for row in rows(floor) if row.pk != shipped.pk and row.available >= 1)
    with transaction.atomic():
        locked = stock_rows_lock(pairs={(floor.pk, sold.stockrecord_id)})
        stock_moves_apply(moves=[Move(stock=locked[(floor.pk, sold.stockrecord_id)], kind=MovementKind.SALE,
                                      on_hand=-1, reason="in-shop sale")], actor=staff)
    shipped_sku, sold_sku = shipped.stockrecord.partner_sku, sold.stockrecord.partner_sku
    shipped_line, sold_line = line_of(stocktake, shipped_sku), line_of(stocktake, sold_sku)
    # people count what is on the shelf now: the shipped SKU is all there, one of the sold SKU is missing
    shelf_shipped = shipped_line.expected - allocated[0].allocated_delta
    shelf_sold = sold_line.expected - 1 - 1
    services.stocktake_count_add(stocktake=stocktake, actor=staff,
                                 items=[(shipped_sku, shelf_shipped), (sold_sku, shelf_sold)])
    report = {line.sku: line for line in selectors.variance_report(stocktake=stocktake).lines}
    assert report[shipped_sku].moved == -allocated[0].allocated_delta and report[shipped_sku].variance == 0
    assert report[sold_sku].moved == -1 and report[sold_sku].expected_now == sold_line.expected - 1
    assert report[sold_sku].variance == -1
    services.stocktake_approve(stocktake=stocktake, actor=manager)
    now = on_hand(floor)
    assert now[shipped_sku] == shelf_shipped and now[sold_sku] == shelf_sold
    assert StockMovement.objects.filter(reference=stocktake.code).count() == 1
    # once approved, the report keeps the figures as they were at the approval
    report = {line.sku: line for line in selectors.variance_report(
        stocktake=Stocktake.objects.get(pk=stocktake.pk)).lines}
    assert report[sold_sku].variance == -1 and report[shipped_sku].variance == 0


def test_the_variance_is_valued_at_the_wholesale_price(floor, staff):
    first, second, *_rest = rows(floor)
    for row, price in ((first, D("12.345")), (second, D("7.10"))):
        row.stockrecord.wholesale_price = price
        row.stockrecord.save(update_fields=["wholesale_price"])
    stocktake = services.stocktake_start(location=floor, actor=staff)
    services.stocktake_count_add(stocktake=stocktake, actor=staff, items=[
        (first.stockrecord.partner_sku, first.on_hand - 3), (second.stockrecord.partner_sku, second.on_hand + 2)])
    report = selectors.variance_report(stocktake=stocktake)
    by_sku = {line.sku: line for line in report.lines}
    first_price = first.stockrecord.__class__.objects.get(pk=first.stockrecord_id).wholesale_price
    assert by_sku[first.stockrecord.partner_sku].value == (first_price * -3).quantize(D("0.01"))
    assert by_sku[second.stockrecord.partner_sku].value == D("14.20")
    assert report.units_short == 3 and report.units_over == 2 and report.net_units == -1
    assert report.net_value == D("14.20") + (first_price * -3).quantize(D("0.01"))
    assert len(report.differing) == 2 and len(report.uncounted) == len(rows(floor)) - 2


# --- the pages ---------------------------------------------------------------------------------------------------


def test_the_store_staff_count_by_scanning_and_a_manager_approves_in_the_portal(floor, staff, manager, signed_in):
    first, second, *_rest = rows(floor)
    client = signed_in("shopstaff@demo.test")
    assert client.get(reverse("storeadmin:stocktake-list")).status_code == 200
    response = client.post(reverse("storeadmin:stocktake-start"), {"location": floor.pk, "skus": "", "bin_prefix": ""})
    stocktake = Stocktake.objects.get(location=floor)
    detail = reverse("storeadmin:stocktake-detail", args=[stocktake.pk])
    assert response.status_code == 302 and response["Location"] == detail
    page = client.get(detail).content.decode()
    assert 'name="code"' in page and "autofocus" in page
    response = client.post(detail, {"action": "scan", "code": first.stockrecord.partner_sku, "quantity": 2})
    assert response.status_code == 302 and response["Location"] == detail
    response = client.post(detail, {"action": "bulk", "lines": f"{first.stockrecord.partner_sku} 1\n"
                                                            f"{second.stockrecord.partner_sku}\t{second.on_hand}"})
    assert response.status_code == 302
    assert line_of(stocktake, first.stockrecord.partner_sku).counted == 3
    # bad input: the page says why and nothing is counted
    page = client.post(detail, {"action": "scan", "code": first.stockrecord.partner_sku, "quantity": -4})
    assert "A count cannot be negative" in page.content.decode()
    page = client.post(detail, {"action": "bulk", "lines": "NOPE-77 3"})
    assert "Unknown SKU or barcode" in page.content.decode() and "NOPE-77" in page.content.decode()
    page = client.post(detail, {"action": "bulk", "lines": f"{first.stockrecord.partner_sku} lots"})
    assert "check line 1" in page.content.decode()
    assert line_of(stocktake, first.stockrecord.partner_sku).counted == 3
    response = client.post(detail, {"action": "set", "set-code": first.stockrecord.partner_sku, "set-quantity": 4})
    assert response.status_code == 302 and line_of(stocktake, first.stockrecord.partner_sku).counted == 4
    # staff read the report but cannot approve
    variance = reverse("storeadmin:stocktake-variance", args=[stocktake.pk])
    page = client.get(variance).content.decode()
    assert first.stockrecord.partner_sku in page and "Only an owner or manager can approve" in page
    before = on_hand(floor)
    page = client.post(variance, {"uncounted_zero": ""}).content.decode()
    assert "Only an owner or manager can approve" in page and on_hand(floor) == before
    boss = Client()
    boss.force_login(manager)
    response = boss.post(variance, {})
    assert response.status_code == 302
    assert on_hand(floor) == {**before, first.stockrecord.partner_sku: 4}
    page = boss.get(variance).content.decode()
    assert "Approved" in page and "Approve and adjust stock" not in page
    assert boss.post(variance, {}).status_code == 200  # refused, with the message
    assert "already approved" in boss.post(variance, {}).content.decode()


def test_the_supplier_counts_a_warehouse_in_its_portal(signed_in):
    hz = Warehouse.objects.get(supplier__slug="green-leaf-tea", code="hz")
    row = rows(hz)[0]
    client = signed_in("supplier@demo.test")
    response = client.post(reverse("supplier:stocktake-start"),
                           {"location": hz.pk, "skus": row.stockrecord.partner_sku, "bin_prefix": ""})
    stocktake = Stocktake.objects.get(location=hz)
    assert response.status_code == 302 and stocktake.lines.count() == 1
    client.post(reverse("supplier:stocktake-detail", args=[stocktake.pk]),
                {"action": "scan", "code": row.stockrecord.partner_sku, "quantity": row.on_hand + 5})
    page = client.get(reverse("supplier:stocktake-variance", args=[stocktake.pk])).content.decode()
    assert "+5" in page or ">5<" in page
    assert client.post(reverse("supplier:stocktake-variance", args=[stocktake.pk]), {}).status_code == 302
    counted = row.on_hand + 5
    row.refresh_from_db()
    assert row.on_hand == counted and Stocktake.objects.get(pk=stocktake.pk).status == "approved"
    assert StockMovement.objects.get(reference=stocktake.code).on_hand_delta == 5


def test_nobody_counts_another_partys_stock(floor, staff, signed_in):
    harbor = Warehouse.objects.get(store__slug="harbor-online")
    theirs = services.stocktake_start(location=harbor, actor=user("harbor@demo.test"))
    client = signed_in("shopstaff@demo.test")
    for name in ("detail", "variance", "cancel"):
        url = reverse(f"storeadmin:stocktake-{name}", args=[theirs.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "scan", "code": "X", "quantity": 1}).status_code == 404
    # the start form only offers the shop's own location; another's id is refused
    response = client.post(reverse("storeadmin:stocktake-start"), {"location": harbor.pk})
    assert response.status_code == 200 and Stocktake.objects.filter(location=harbor).count() == 1
    page = client.get(reverse("storeadmin:stocktake-list")).content.decode()
    assert theirs.code not in page
    supplier = signed_in("supplier@demo.test")
    assert supplier.get(reverse("supplier:stocktake-detail", args=[theirs.pk])).status_code == 404
    # a store without a location of its own has nothing to count
    page = signed_in("storeadmin@demo.test").get(reverse("storeadmin:stocktake-list")).content.decode()
    assert "There is no stock location to count here." in page
