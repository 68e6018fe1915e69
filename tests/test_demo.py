"""The demo marketplace is believable, bilingual, covers every role, and loading it twice changes nothing."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from parties.demo import load_demo
from parties.models import Distributor, Membership, Store, Supplier, Warehouse


def snapshot():
    tables = ["mp_parties_supplier", "mp_parties_distributor", "mp_parties_store", "mp_parties_warehouse",
              "mp_parties_membership", "partner_partner",
              "mp_parties_plan", "mp_onboarding_application", "auth_user", "wagtailcore_page", "wagtailcore_site"]
    with connection.cursor() as cursor:
        state = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 (fixed table names)
            state[table] = cursor.fetchall()
    return state


def test_demo_shape(demo):
    assert Supplier.objects.count() == 3
    assert all(s.warehouses.exists() for s in Supplier.objects.all())
    assert Distributor.objects.count() == 3
    assert Store.objects.count() == 7
    assert Store.objects.filter(channel=Store.Channel.OFFLINE).count() == 2
    assert Store.objects.filter(supplier__isnull=False).exists(), "a supplier flagship store"
    assert Store.objects.filter(stock_mode=Store.StockMode.INDEPENDENT).exists()
    for model in (Supplier, Distributor, Store, Warehouse):
        assert not model.objects.filter(name_zh="").exists(), f"{model.__name__} names are bilingual"
    kinds = {m.kind for m in Membership.objects.all()}
    assert kinds == {"supplier", "distributor", "store"}
    assert get_user_model().objects.filter(is_staff=True, email="operator@demo.test").exists()
    assert get_user_model().objects.filter(email="shopper@demo.test", memberships__isnull=True).exists()


def test_loading_twice_changes_nothing(demo):
    before = snapshot()
    load_demo()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == before


def test_command_prints_each_role_login(demo, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for email in ("operator@demo.test", "supplier@demo.test", "distributor@demo.test", "storeadmin@demo.test",
                  "shopper@demo.test"):
        assert email in out
    assert "marketplace-demo" in out and "http://127.0.0.1:8000/login/" in out
