"""Returns received: the goods of an approved return arrive; each line is inspected and restocked (a RETURN
movement back into the location that shipped it) or written off (a WRITE_OFF ledger row, stock unchanged), and
that triggers the refund. Receiving twice, before approval, after a rejection or without a decision is refused
with the stock untouched."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from inventory.models import MovementKind, StockMovement
from parties.models import Warehouse
from payments.selectors import order_payment
from storefront.returns import services
from storefront.returns.models import ReturnRequest
from supplier.models import WarehouseStock
from tests import test_returns as base
from tests.distribution_helpers import record
from tests.test_returns import ask, client_for, shown, user

# the paid, delivered order of tests/test_returns.py: LST-a × 2 (20.00) and LST-b × 1 (34.00) from Sunrise Online
listed, placed, order = base.listed, base.placed, base.order

D = Decimal


@pytest.fixture
def hz():
    return Warehouse.objects.get(supplier__slug="green-leaf-tea", code="hz")


def on_hand(location, sku) -> int:
    return WarehouseStock.objects.get(warehouse=location, stockrecord=record(sku)).on_hand


def approved(order, lines, **kwargs):
    request = ask(order, lines, **kwargs)
    return services.return_request_decide(request=request, approve=True, actor=user("storeadmin@demo.test"))


def decisions(request, **by_sku):
    return {item.pk: by_sku[item.line.partner_sku] for item in request.lines.select_related("line")}


def stock_snapshot():
    return sorted(WarehouseStock.objects.values_list("pk", "on_hand", "allocated"))


def test_approving_a_return_waits_for_the_goods_before_refunding(order):
    request = approved(order, {"LST-a": 2})
    assert request.status == ReturnRequest.Status.APPROVED and request.awaits_goods
    assert order_payment(order=order).amount_refunded == D("0.00")


def test_restocking_puts_the_units_back_where_they_shipped_from_and_refunds(order, hz,
                                                                           django_capture_on_commit_callbacks):
    request = approved(order, {"LST-a": 2})
    before = on_hand(hz, "LST-a")
    with django_capture_on_commit_callbacks(execute=True):
        received = services.return_request_receive(
            request=request, decisions=decisions(request, **{"LST-a": "restock"}), note="Sealed, as new",
            actor=user("storeadmin@demo.test"))
    assert received.status == ReturnRequest.Status.REFUNDED and received.refund_amount == D("40.00")
    assert received.received_by == user("storeadmin@demo.test") and received.received_at is not None
    assert on_hand(hz, "LST-a") == before + 2
    movement = StockMovement.objects.get(order=order, kind=MovementKind.RETURN)
    assert (movement.stock.warehouse, movement.on_hand_delta, movement.reference) == (hz, 2, order.number)
    assert "Sealed, as new" in movement.reason
    payment = order_payment(order=order)
    assert payment.amount_refunded == D("40.00") and payment.refunds.get().key == f"return-{request.pk}"
    assert [m for m in mail.outbox if order.email in m.to and "40.00" in m.body]
    assert request.lines.get().outcome == "restock"


def test_writing_off_leaves_a_ledger_row_with_the_reason_and_still_refunds(order, hz):
    request = approved(order, {"LST-a": 1, "LST-b": 1})
    a, b = on_hand(hz, "LST-a"), on_hand(hz, "LST-b")
    services.return_request_receive(request=request,
                                    decisions=decisions(request, **{"LST-a": "restock", "LST-b": "write_off"}),
                                    note="Tin crushed", actor=user("storeadmin@demo.test"))
    assert on_hand(hz, "LST-a") == a + 1 and on_hand(hz, "LST-b") == b  # the damaged tin never goes back on sale
    write_off = StockMovement.objects.get(order=order, kind=MovementKind.WRITE_OFF)
    assert write_off.stock.stockrecord == record("LST-b") and write_off.stock.warehouse == hz
    assert (write_off.on_hand_delta, write_off.allocated_delta) == (0, 0)
    assert "1 written off" in write_off.reason and "Tin crushed" in write_off.reason
    assert order_payment(order=order).amount_refunded == D("54.00")
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnRequest.Status.REFUNDED


def test_bad_receipts_are_refused_with_the_stock_untouched(order):
    storeadmin = user("storeadmin@demo.test")
    requested = ask(order, {"LST-a": 1})
    before = stock_snapshot()
    with pytest.raises(ValidationError, match="Approve this return request before"):
        services.return_request_receive(request=requested, decisions=decisions(requested, **{"LST-a": "restock"}),
                                        actor=storeadmin)
    services.return_request_decide(request=requested, approve=False, note="Opened.", actor=storeadmin)
    with pytest.raises(ValidationError, match="This return request is rejected; there are no goods to receive"):
        services.return_request_receive(request=requested, decisions=decisions(requested, **{"LST-a": "restock"}),
                                        actor=storeadmin)
    request = approved(order, {"LST-a": 1, "LST-b": 1})
    with pytest.raises(ValidationError, match=r"Choose restock or write off for Listing tea \(100 g\)"):
        services.return_request_receive(request=request, decisions={request.lines.get(line__partner_sku="LST-a").pk:
                                                                    "restock"}, actor=storeadmin)
    with pytest.raises(ValidationError, match="Choose restock or write off"):
        services.return_request_receive(request=request, decisions=decisions(request, **{"LST-a": "burn",
                                                                                          "LST-b": "restock"}),
                                        actor=storeadmin)
    with pytest.raises(ValidationError, match="not part of this return"):
        services.return_request_receive(request=request, decisions={10**9: "restock"}, actor=storeadmin)
    with pytest.raises(ValidationError, match="Only the store that sold it or the supplier"):
        services.return_request_receive(request=request, decisions=decisions(request, **{"LST-a": "restock",
                                                                                          "LST-b": "restock"}),
                                        actor=user("shopstaff@demo.test"))  # staff of another store
    assert stock_snapshot() == before and order_payment(order=order).amount_refunded == D("0.00")
    good = decisions(request, **{"LST-a": "restock", "LST-b": "restock"})
    services.return_request_receive(request=request, decisions=good, actor=storeadmin)
    after = stock_snapshot()
    with pytest.raises(ValidationError, match="already received"):
        services.return_request_receive(request=request, decisions=good, actor=storeadmin)
    assert stock_snapshot() == after and order_payment(order=order).amount_refunded == D("54.00")


def test_a_refused_refund_leaves_the_goods_unreceived_and_the_stock_untouched(order, monkeypatch, signed_in):
    from payments.errors import PaymentError

    def refuse(**kwargs):
        raise PaymentError("The payment provider is unreachable; try again later.")

    request = approved(order, {"LST-a": 1})
    monkeypatch.setattr(services, "payment_refund", refuse)
    before = stock_snapshot()
    item = request.lines.get()
    page = shown(client_for("storeadmin@demo.test").post(reverse("storeadmin:return-detail", args=[request.pk]), {
        "action": "receive", f"outcome_{item.pk}": "restock", "received_note": ""}))
    assert "The payment provider is unreachable; try again later." in page
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.APPROVED and request.received_at is None
    assert stock_snapshot() == before and not StockMovement.objects.filter(kind=MovementKind.RETURN, order=order)


def test_the_store_records_arrival_on_its_page(order, hz):
    request = approved(order, {"LST-a": 2})
    client = client_for("storeadmin@demo.test")
    url = reverse("storeadmin:return-detail", args=[request.pk])
    page = shown(client.get(url))
    assert "Goods arrived?" in page and "Record arrival and refund" in page and "40.00" in page
    item = request.lines.get()
    response = client.post(url, {"action": "receive", "received_note": ""})
    assert "Choose restock or write off for Listing tea (50 g)." in shown(response)
    before = on_hand(hz, "LST-a")
    response = client.post(url, {"action": "receive", f"outcome_{item.pk}": "restock", "received_note": "ok"})
    assert response.status_code == 302
    page = shown(client.get(url))
    assert "Refunded" in page and "Restocked (sellable)" in page and "Goods arrived?" not in page
    assert on_hand(hz, "LST-a") == before + 2


def test_the_supplier_whose_warehouse_shipped_it_records_arrival(order, hz):
    request = approved(order, {"LST-b": 1})
    client = client_for("supplier@demo.test")
    url = reverse("supplier:return-detail", args=[request.pk])
    assert "Record arrival and refund" in shown(client.get(url))
    item = request.lines.get()
    response = client.post(url, {"action": "receive", f"outcome_{item.pk}": "write_off",
                                 "received_note": "Wet box"})
    assert response.status_code == 302
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnRequest.Status.REFUNDED
    assert StockMovement.objects.get(order=order, kind=MovementKind.WRITE_OFF).actor == user("supplier@demo.test")
    other = client_for("grain@demo.test")  # another supplier
    assert other.get(url).status_code == 404
