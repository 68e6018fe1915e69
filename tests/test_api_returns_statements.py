"""API returns and statements: a store and the supplier read a return request with their own lines, its status and
refund; other parties get 404; the supplier's statement carries an order's postings as the Finance page does; a
store token is refused with the reason."""

from decimal import Decimal as D

from django.db import connection
from django.test.utils import CaptureQueriesContext

from storefront.models import OrderShipping
from storefront.returns import services
from storefront.returns.models import ReturnRequest
from tests import test_returns
from tests.api_helpers import api_client, demo_store, demo_supplier, error_of, token_key
from tests.test_returns import ask, pay, user

listed, placed, order = test_returns.listed, test_returns.placed, test_returns.order  # paid and delivered


def test_store_and_supplier_read_a_return_request_and_its_refund(order):
    request = ask(order, {"LST-a": 1, "LST-b": 1}, kind=ReturnRequest.Kind.REFUND)  # refunded when approved
    store_api = api_client(token_key(demo_store("sunrise-online")))
    supplier_api = api_client(token_key(demo_supplier("green-leaf-tea")))
    for client in (store_api, supplier_api):
        body = client.get(f"/api/v1/returns/{request.pk}/").json()
        assert (body["order"], body["status"], body["kind"], body["reason"]) == (
            order.number, "requested", "refund", "damaged")
        assert [(row["sku"], row["quantity"]) for row in body["lines"]] == [("LST-a", 1), ("LST-b", 1)]
        assert body["refund_amount"] is None

    services.return_request_decide(request=request, approve=True, actor=user("storeadmin@demo.test"))
    body = store_api.get(f"/api/v1/returns/{request.pk}/").json()
    assert body["status"] == "refunded" and D(body["refund_amount"]) == D("54.00")  # 20.00 + 34.00

    refunded = store_api.get("/api/v1/returns/?status=refunded").json()["results"]
    assert request.pk in [row["id"] for row in refunded]
    assert request.pk not in [row["id"] for row in store_api.get("/api/v1/returns/?status=requested").json()["results"]]
    later = store_api.get(f"/api/v1/returns/?requested_after={order.date_placed.date().isoformat()}").json()
    assert request.pk in [row["id"] for row in later["results"]]


def test_other_parties_do_not_see_the_return(order):
    request = ask(order, {"LST-a": 1})
    for party in (demo_store("sunrise-nanjing-road"), demo_supplier("golden-grain")):
        client = api_client(token_key(party))
        response = client.get(f"/api/v1/returns/{request.pk}/")
        assert response.status_code == 404 and error_of(response)["code"] == "not_found"
        assert request.pk not in [row["id"] for row in client.get("/api/v1/returns/?page_size=500").json()["results"]]


def test_returns_bad_filters_are_400(demo):
    client = api_client(token_key(demo_store("sunrise-online")))
    response = client.get("/api/v1/returns/?status=lost")
    assert response.status_code == 400 and error_of(response)["message"].startswith("status:")
    response = client.get("/api/v1/returns/?requested_before=soon")
    assert response.status_code == 400 and "requested_before" in error_of(response)["details"]


def test_return_list_runs_a_fixed_number_of_queries(order):
    for lines in ({"LST-a": 1}, {"LST-b": 1}):
        ask(order, lines)
    client = api_client(token_key(demo_store("sunrise-online")))
    client.get("/api/v1/returns/?page_size=1")

    def count(size):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(f"/api/v1/returns/?page_size={size}").json()["results"]) == size
        return len(queries)

    assert count(1) == count(2)


def test_suppliers_statement_shows_the_orders_postings(placed):
    client = api_client(token_key(demo_supplier("green-leaf-tea")))
    before = client.get("/api/v1/statements/").json()
    pay(placed)
    after = client.get("/api/v1/statements/").json()
    mine = [D(line["amount"]) for line in after["lines"] if line["reference"] == f"Order {placed.number}"]
    # 2 × LST-a and 1 × LST-b at wholesale (20.00 and 18.00); the supplier's warehouse ships, so the store's
    # delivery charge is the supplier's too
    charge = OrderShipping.objects.get(order=placed).charge
    assert sorted(mine) == sorted([D("20.00"), D("18.00")] + ([charge] if charge else []))
    assert D(after["closing"]["pending"]) - D(before["closing"]["pending"]) == sum(mine)
    assert D(after["closing"]["total"]) == D(after["opening"]["total"]) + D(after["credits"]) + D(after["debits"])


def test_statement_refuses_a_store_token_and_a_bad_period(demo):
    response = api_client(token_key(demo_store("sunrise-online"))).get("/api/v1/statements/")
    assert response.status_code == 403 and "no ledger account of its own" in error_of(response)["message"]
    supplier = api_client(token_key(demo_supplier("green-leaf-tea")))
    response = supplier.get("/api/v1/statements/?month=2026-13")
    assert response.status_code == 400 and "is not a month" in error_of(response)["message"]
    response = supplier.get("/api/v1/statements/?from=2025-01-01&to=2026-06-01")
    assert response.status_code == 400 and "at most 366 days" in error_of(response)["message"]
    assert supplier.get("/api/v1/statements/?currency=EURO").status_code == 400
