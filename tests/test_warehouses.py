"""Suppliers add their own warehouses; bad codes get a clear message and nothing is created."""

from parties.models import Warehouse


def test_supplier_adds_a_warehouse(signed_in):
    client = signed_in("supplier@demo.test")
    response = client.post("/supplier/warehouses/new/", {"code": "gz", "name": "Guangzhou warehouse",
                                                         "name_zh": "广州仓", "address": "1 Port Road"}, follow=True)
    assert "Guangzhou warehouse" in response.content.decode()
    warehouse = Warehouse.objects.get(code="gz")
    assert warehouse.supplier.slug == "green-leaf-tea"


def test_bad_warehouse_input_changes_nothing(signed_in):
    client = signed_in("supplier@demo.test")
    before = Warehouse.objects.count()
    for fields, message in (({"code": "hz", "name": "Again"}, "already have a warehouse"),
                            ({"code": "Bad Code!", "name": "X"}, "lower-case letters"),
                            ({"code": "ok", "name": " "}, "Name is required")):
        response = client.post("/supplier/warehouses/new/", fields)
        assert response.status_code == 200 and message in response.content.decode()
    assert Warehouse.objects.count() == before


def test_codes_are_per_supplier(signed_in):
    response = signed_in("grain@demo.test").post("/supplier/warehouses/new/", {"code": "hz", "name": "Grain HZ"})
    assert response.status_code == 302
    assert Warehouse.objects.filter(code="hz").count() == 2
