"""List pages do a fixed number of queries whatever the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from parties.models import Distributor, Membership, Store, Supplier, Warehouse


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(count: int):
    distributor = Distributor.objects.get(slug="sunrise-retail")
    supplier = Supplier.objects.get(slug="green-leaf-tea")
    staff = Membership.objects.get(user__email="storeadmin@demo.test").user
    for i in range(count):
        store = Store.objects.create(slug=f"extra-{i}", name=f"Extra {i}", name_zh=f"额外{i}", distributor=distributor)
        Warehouse.objects.create(supplier=supplier, code=f"x{i}", name=f"Extra WH {i}", name_zh=f"额外仓{i}")
        Membership.objects.create(user=staff, store=store)


def test_list_pages_do_constant_queries(signed_in):
    pages = {
        "operator@demo.test": ["/shop/dashboard/platform/stores/", "/shop/dashboard/platform/suppliers/",
                               "/shop/dashboard/platform/distributors/", "/shop/dashboard/platform/audit/"],
        "distributor@demo.test": ["/distributor/", "/distributor/stores/", "/distributor/team/"],
        "supplier@demo.test": ["/supplier/", "/supplier/warehouses/", "/supplier/team/"],
    }
    clients = {email: signed_in(email) for email in pages}
    for email, urls in pages.items():  # first visits also store the chosen membership in the session
        for url in urls:
            clients[email].get(url)
    before = {(email, url): _queries(clients[email], url) for email, urls in pages.items() for url in urls}
    _grow(15)
    after = {(email, url): _queries(clients[email], url) for email, urls in pages.items() for url in urls}
    assert after == before
