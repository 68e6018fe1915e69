"""Wave picking: many pending groups of one location picked from one list (by location, bin, SKU, with totals
and the orders each unit goes to); marking the wave picked packs them. Bad selections are refused unchanged."""

import re

import pytest
from django.core.exceptions import ValidationError

from distributor.models import PriceRule
from storefront.fulfilment import services
from storefront.fulfilment.models import Wave
from storefront.models import FulfilmentGroup
from supplier.models import WarehouseStock
from tests.distribution_helpers import list_in, record
from tests.payment_helpers import order_in
from tests.test_fulfilment import user
from tests.test_returns import basket_in, client_for, place

Status = FulfilmentGroup.Status


def shown(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def groups(tea, dealer, sunrise, online):
    """Two orders in Sunrise Online shipped from green-leaf-tea's hz: 2 × LST-a + 1 × LST-b, then 1 × LST-a."""
    list_in(dealer, sunrise, [online], ["LST-a", "LST-b"], PriceRule.SUGGESTED)
    shopper = user("shopper@demo.test")
    first = place(basket_in(online, ("LST-a", 2), ("LST-b", 1), owner=shopper), online, user=shopper)
    second = place(basket_in(online, ("LST-a", 1), owner=shopper), online, user=shopper)
    WarehouseStock.objects.filter(warehouse__code="hz", warehouse__supplier__slug="green-leaf-tea",
                                  stockrecord=record("LST-a")).update(bin="A-01")
    WarehouseStock.objects.filter(warehouse__code="hz", warehouse__supplier__slug="green-leaf-tea",
                                  stockrecord=record("LST-b")).update(bin="B-07")
    return [FulfilmentGroup.objects.get(order=first), FulfilmentGroup.objects.get(order=second)]


def test_a_wave_picks_its_groups_from_one_list_and_packs_them(groups):
    wave = services.wave_create(groups=groups, actor=user("warehouse@demo.test"))
    assert wave.status == Wave.Status.OPEN and wave.location.code == "hz"
    assert {g.status for g in FulfilmentGroup.objects.filter(pk__in=[g.pk for g in groups])} == {Status.PICKING}

    from storefront.fulfilment.selectors import pick_list
    [place_] = pick_list(wave=wave)
    assert place_.location.code == "hz" and place_.units == 4
    assert [(b.bin, [(i.sku, i.units) for i in b.items]) for b in place_.bins] == [
        ("A-01", [("LST-a", 3)]), ("B-07", [("LST-b", 1)])]
    a_orders = place_.bins[0].items[0].orders
    assert sorted(a_orders) == sorted([(groups[0].order.number, 2), (groups[1].order.number, 1)])

    packed_stock = WarehouseStock.objects.get(warehouse=groups[0].warehouse, stockrecord=record("LST-a"))
    services.wave_picked(wave=wave, actor=user("warehouse@demo.test"))
    wave.refresh_from_db()
    assert wave.status == Wave.Status.PICKED and wave.picked_at is not None
    assert {g.status for g in FulfilmentGroup.objects.filter(pk__in=[g.pk for g in groups])} == {Status.PACKED}
    after = WarehouseStock.objects.get(pk=packed_stock.pk)
    assert (after.on_hand, after.allocated) == (packed_stock.on_hand, packed_stock.allocated)  # picking moves none
    with pytest.raises(ValidationError, match="already marked picked"):
        services.wave_picked(wave=wave, actor=None)


def test_a_cancelled_group_drops_out_and_stays_cancelled(groups):
    wave = services.wave_create(groups=groups, actor=None)
    services.fulfilment_group_cancel(group=groups[1], reason="Shopper cancelled", actor=None)
    from storefront.fulfilment.selectors import pick_list
    [place_] = pick_list(wave=wave)
    assert place_.units == 3
    services.wave_picked(wave=wave, actor=None)
    statuses = dict(FulfilmentGroup.objects.filter(pk__in=[g.pk for g in groups]).values_list("pk", "status"))
    assert statuses == {groups[0].pk: Status.PACKED, groups[1].pk: Status.CANCELLED}


def test_bad_selections_are_refused_unchanged(groups, demo):
    with pytest.raises(ValidationError, match="at least one order"):
        services.wave_create(groups=[], actor=None)
    services.fulfilment_group_move(group=groups[1], status=Status.PICKING, actor=None)
    with pytest.raises(ValidationError, match="not waiting to be picked"):
        services.wave_create(groups=groups, actor=None)
    assert FulfilmentGroup.objects.get(pk=groups[0].pk).status == Status.PENDING
    floor_order = order_in("sunrise-nanjing-road")
    floor_group = FulfilmentGroup.objects.get(order=floor_order)
    with pytest.raises(ValidationError, match="one location"):
        services.wave_create(groups=[groups[0], floor_group], actor=None)
    assert FulfilmentGroup.objects.get(pk=floor_group.pk).status == Status.PENDING
    assert not Wave.objects.filter(wave_groups__group__in=[groups[0], floor_group]).exists()


def test_the_pages_filter_start_a_wave_print_the_list_and_mark_it_picked(groups):
    client = client_for("warehouse@demo.test")
    listing = shown(client.get("/supplier/fulfilment/?sku=LST-b"))
    assert f'data-group="{groups[0].pk}"' in listing and f'data-group="{groups[1].pk}"' not in listing
    assert f'data-group="{groups[0].pk}"' not in shown(client.get("/supplier/fulfilment/?age=3d"))
    online = groups[0].order.lines.first().store_id
    assert f'data-group="{groups[1].pk}"' in shown(client.get(f"/supplier/fulfilment/?store={online}"))

    foreign = FulfilmentGroup.objects.filter(status=Status.PENDING).exclude(warehouse__supplier__slug="green-leaf-tea")
    foreign = foreign.first()
    assert client.post("/supplier/fulfilment/", {"groups": [groups[0].pk, foreign.pk]}).status_code == 404
    assert FulfilmentGroup.objects.get(pk=groups[0].pk).status == Status.PENDING
    empty = client.post("/supplier/fulfilment/", {}, follow=True)
    assert "Choose at least one order to pick." in shown(empty)

    response = client.post("/supplier/fulfilment/", {"groups": [g.pk for g in groups]})
    assert response.status_code == 302
    wave = Wave.objects.get(wave_groups__group=groups[0])
    page = shown(client.get(f"/supplier/fulfilment/waves/{wave.pk}/"))
    assert "@media print" in page and 'data-bin="A-01"' in page and "× 3" in page
    assert groups[0].order.number in page and "Mark wave picked" in page
    assert wave.code in shown(client.get("/supplier/fulfilment/waves/"))

    assert client_for("grain@demo.test").get(f"/supplier/fulfilment/waves/{wave.pk}/").status_code == 404
    assert client_for("grain@demo.test").post(f"/supplier/fulfilment/waves/{wave.pk}/").status_code == 404
    assert client_for("shopstaff@demo.test").get(f"/store/fulfilment/waves/{wave.pk}/").status_code == 404
    wave.refresh_from_db()
    assert wave.status == Wave.Status.OPEN

    client.post(f"/supplier/fulfilment/waves/{wave.pk}/")
    wave.refresh_from_db()
    assert wave.status == Wave.Status.PICKED
    assert FulfilmentGroup.objects.get(pk=groups[1].pk).status == Status.PACKED
