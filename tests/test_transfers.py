"""Transfers between two locations of one owner: dispatched (units leave the source, visible in transit at the
destination) → received (units land there), or cancelled (back at the source); every bad input refused with
stock untouched; other parties' transfers are 404s."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from inventory import selectors, services
from inventory.models import MovementKind, StockMovement, Transfer
from parties.models import Membership, Store, Warehouse
from parties.scoping import Scope
from supplier.models import WarehouseStock
from tests.distribution_helpers import approved_tea, record


@pytest.fixture
def places(demo):
    """Sunrise's shop floor (12 of the fresh tea) and a back room of Sunrise Online, plus Harbor's stock room."""
    approved_tea()
    sku = record("LST-a")
    floor = Warehouse.objects.get(store__slug="sunrise-nanjing-road", code="floor")
    back = Warehouse.objects.create(store=Store.objects.get(slug="sunrise-online"), code="back", name="Back room")
    services.stock_receive(location=floor, items=[(sku.pk, 12)], actor=None, reason="opening")
    return {"sku": sku, "floor": floor, "back": back,
            "harbor": Warehouse.objects.get(store__slug="harbor-online", code="stockroom")}


def user(email):
    return get_user_model().objects.get(email=email)


def units(location, sku):
    row = WarehouseStock.objects.filter(warehouse=location, stockrecord=sku).first()
    return (row.on_hand, row.allocated) if row else None


def state(places):
    sku = places["sku"]
    return ([units(places[name], sku) for name in ("floor", "back", "harbor")], StockMovement.objects.count(),
            Transfer.objects.count(), type(sku).objects.get(pk=sku.pk).num_in_stock)


def test_dispatch_then_receive_moves_units_through_transit(places):
    sku, floor, back = places["sku"], places["floor"], places["back"]
    staff = user("shopstaff@demo.test")
    total = type(sku).objects.get(pk=sku.pk).num_in_stock
    transfer = services.transfer_dispatch(source=floor, destination=back, items=[(sku.pk, 5)], actor=staff,
                                          note="for the window")
    assert transfer.status == Transfer.Status.DISPATCHED
    assert units(floor, sku) == (7, 0)
    assert units(back, sku) is None  # not there yet: in transit
    assert selectors.in_transit(location_ids=[back.pk]) == {(back.pk, sku.pk): 5}
    out = StockMovement.objects.get(reference=transfer.reference)
    assert (out.kind, out.on_hand_delta, out.actor) == (MovementKind.TRANSFER_OUT, -5, staff)
    # In transit the units are on no shelf: the SKU's total counts only what is on hand somewhere.
    assert type(sku).objects.get(pk=sku.pk).num_in_stock == total - 5

    manager = user("storeadmin@demo.test")
    services.transfer_receive(transfer=transfer, actor=manager)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.received_by) == (Transfer.Status.RECEIVED, manager)
    assert units(back, sku) == (5, 0)
    assert selectors.in_transit(location_ids=[back.pk]) == {}
    landed = StockMovement.objects.get(reference=transfer.reference, kind=MovementKind.TRANSFER_IN)
    assert (landed.stock.warehouse, landed.on_hand_delta) == (back, 5)
    assert type(sku).objects.get(pk=sku.pk).num_in_stock == total


def test_receiving_twice_is_refused_and_counts_once(places):
    sku, floor, back = places["sku"], places["floor"], places["back"]
    transfer = services.transfer_dispatch(source=floor, destination=back, items=[(sku.pk, 3)], actor=None)
    services.transfer_receive(transfer=transfer, actor=None)
    before = state(places)
    stale = Transfer.objects.get(pk=transfer.pk)
    Transfer.objects.filter(pk=transfer.pk).update()  # a second tap on a page loaded before the first
    stale.status = Transfer.Status.DISPATCHED
    with pytest.raises(ValidationError, match="already received"):
        services.transfer_receive(transfer=stale, actor=None)
    assert state(places) == before
    assert units(back, sku) == (3, 0)


def test_cancel_returns_units_to_the_source(places):
    sku, floor, back = places["sku"], places["floor"], places["back"]
    transfer = services.transfer_dispatch(source=floor, destination=back, items=[(sku.pk, 4)], actor=None)
    services.transfer_cancel(transfer=transfer, actor=None)
    assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.CANCELLED
    assert units(floor, sku) == (12, 0)
    assert units(back, sku) is None
    with pytest.raises(ValidationError, match="already cancelled"):
        services.transfer_receive(transfer=transfer, actor=None)


@pytest.mark.parametrize("case, match", [
    ("other owner", "another owner"),
    ("same location", "two different locations"),
    ("zero", "at least one unit"),
    ("negative", "at least one unit"),
    ("nothing", "at least one item"),
    ("more than free", "only 2 of LST-a free at floor"),
    ("not held", "holds no LST-b"),
    ("out of scope", "cannot send stock from"),
])
def test_bad_transfers_are_refused_with_stock_untouched(places, case, match):
    sku, floor, back, harbor = places["sku"], places["floor"], places["back"], places["harbor"]
    with transaction.atomic():  # 10 of the 12 promised to orders: 2 free
        row = services.stock_rows_lock(pairs={(floor.pk, sku.pk)})[(floor.pk, sku.pk)]
        services.stock_moves_apply(moves=[services.Move(stock=row, kind=MovementKind.ALLOCATE, allocated=10)])
    kwargs = {"source": floor, "destination": back, "items": [(sku.pk, 1)], "actor": None}
    kwargs.update({
        "other owner": {"destination": harbor},
        "same location": {"destination": floor},
        "zero": {"items": [(sku.pk, 0)]},
        "negative": {"items": [(sku.pk, -3)]},
        "nothing": {"items": []},
        "more than free": {"items": [(sku.pk, 3)]},
        "not held": {"items": [(record("LST-b").pk, 1)]},
        "out of scope": {"scope": Scope.for_party(Store.objects.get(slug="harbor-online"))},
    }[case])
    before = state(places)
    with pytest.raises(ValidationError, match=match):
        services.transfer_dispatch(**kwargs)
    assert state(places) == before


def test_only_the_destination_receives_and_only_the_source_cancels(places):
    sku, floor, back = places["sku"], places["floor"], places["back"]
    transfer = services.transfer_dispatch(source=floor, destination=back, items=[(sku.pk, 2)], actor=None)
    shop_scope = Scope.for_party(Store.objects.get(slug="sunrise-nanjing-road"))
    online_scope = Scope.for_party(Store.objects.get(slug="sunrise-online"))
    before = state(places)
    with pytest.raises(ValidationError, match="Only .* can receive"):
        services.transfer_receive(transfer=transfer, actor=None, scope=shop_scope)
    with pytest.raises(ValidationError, match="Only .* can cancel"):
        services.transfer_cancel(transfer=transfer, actor=None, scope=online_scope)
    assert state(places) == before
    services.transfer_receive(transfer=transfer, actor=None, scope=online_scope)
    assert units(back, sku) == (2, 0)


# --- pages ------------------------------------------------------------------------------------------------------


def test_store_pages_dispatch_show_in_transit_and_receive(places, signed_in):
    sku, floor, back = places["sku"], places["floor"], places["back"]
    staff = signed_in("shopstaff@demo.test")
    form = staff.get(reverse("storeadmin:transfer-create"))
    assert form.status_code == 200
    assert b"LST-a" in form.content and back.name.encode() in form.content
    response = staff.post(reverse("storeadmin:transfer-create"), {
        "source": floor.pk, "destination": back.pk, "note": "window", f"units_{sku.pk}": "4"})
    transfer = Transfer.objects.get(from_location=floor, to_location=back)
    assert response.status_code == 302 and response.url == reverse("storeadmin:transfer-detail", args=[transfer.pk])
    assert units(floor, sku) == (8, 0)
    assert b"Receive" not in staff.get(response.url).content  # the shop sent it; the back room receives it

    manager = signed_in("storeadmin@demo.test")
    stock = manager.get(reverse("storeadmin:stock"), {"location": back.pk}).content.decode()
    assert "4 units in transit here" in stock
    listing = manager.get(reverse("storeadmin:transfer-list")).content.decode()
    assert transfer.reference in listing and "Incoming" in listing and 'value="receive"' in listing
    response = manager.post(reverse("storeadmin:transfer-detail", args=[transfer.pk]), {"action": "receive"})
    assert response.status_code == 302
    assert units(back, sku) == (4, 0)
    again = manager.post(reverse("storeadmin:transfer-detail", args=[transfer.pk]), {"action": "receive"},
                         follow=True)
    assert "already received" in again.content.decode()
    assert units(back, sku) == (4, 0)


def test_transfer_page_refuses_another_owner_and_too_many_units(places, signed_in):
    sku, floor, harbor = places["sku"], places["floor"], places["harbor"]
    staff = signed_in("shopstaff@demo.test")
    before = state(places)
    response = staff.post(reverse("storeadmin:transfer-create"), {
        "source": floor.pk, "destination": harbor.pk, f"units_{sku.pk}": "1"})
    assert response.status_code == 400 and "another owner" in response.content.decode()
    response = staff.post(reverse("storeadmin:transfer-create"), {
        "source": floor.pk, "destination": places["back"].pk, f"units_{sku.pk}": "13"})
    assert response.status_code == 400 and "only 12 of LST-a" in response.content.decode()
    assert state(places) == before


def test_supplier_transfers_between_its_warehouses(demo, signed_in):
    approved_tea()
    sku = record("LST-a")
    hz = Warehouse.objects.get(supplier__slug="green-leaf-tea", code="hz")
    sh = Warehouse.objects.get(supplier__slug="green-leaf-tea", code="sh")
    client = signed_in("supplier@demo.test")
    response = client.post(reverse("supplier:transfer-create"), {
        "source": hz.pk, "destination": sh.pk, f"units_{sku.pk}": "2"})
    assert response.status_code == 302
    transfer = Transfer.objects.get(from_location=hz, to_location=sh)
    assert 'value="receive"' in client.get(reverse("supplier:transfer-list")).content.decode()
    client.post(reverse("supplier:transfer-detail", args=[transfer.pk]), {"action": "receive"})
    assert units(hz, sku) == (3, 0) and units(sh, sku) == (2, 0)


def test_other_parties_transfers_are_404(places, signed_in):
    sku, floor, back = places["sku"], places["floor"], places["back"]
    transfer = services.transfer_dispatch(source=floor, destination=back, items=[(sku.pk, 1)], actor=None)
    url = reverse("storeadmin:transfer-detail", args=[transfer.pk])
    harbor = signed_in("multi@demo.test")  # staff of Harbor Online (and a Golden Grain manager)
    harbor.post(reverse("portal:switch"), {"membership": Membership.objects.get(
        user__email="multi@demo.test", store__slug="harbor-online").pk})
    assert harbor.get(reverse("storeadmin:transfer-list")).status_code == 200
    assert harbor.get(url).status_code == 404
    assert harbor.post(url, {"action": "receive"}).status_code == 404
    assert signed_in("supplier@demo.test").get(
        reverse("supplier:transfer-detail", args=[transfer.pk])).status_code == 404
    assert transfer.reference not in harbor.get(reverse("storeadmin:transfer-list")).content.decode()
    assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.DISPATCHED
