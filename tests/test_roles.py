"""Roles and capabilities: each role reaches exactly its pages, and the navigation shows only those."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parties.capabilities import PAGE_CAPABILITIES
from parties.models import Membership, Role, Store, Supplier
from portal.mixins import PortalViewMixin


def shown(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def member(email: str, role: str, **where) -> Client:
    """A new user with `role` on the party named by `where` (e.g. supplier=...), signed in."""
    user = get_user_model().objects.create_user(username=email, email=email, password="x")
    Membership.objects.create(user=user, role=role, **where)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def tea(demo):
    return Supplier.objects.get(slug="green-leaf-tea")


def _portal_url_names(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            yield from _portal_url_names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            view = getattr(entry.callback, "view_class", None)
            if view is not None and issubclass(view, PortalViewMixin):
                yield f"{namespace}:{entry.name}" if namespace else entry.name


def test_every_portal_page_names_its_capability():
    names = set(_portal_url_names(get_resolver().url_patterns))
    assert {"supplier:finance", "storeadmin:pos", "distributor:member-list"} <= names  # the walk finds pages
    missing = names - set(PAGE_CAPABILITIES)
    assert not missing, f"add these portal pages to parties.capabilities.PAGE_CAPABILITIES: {sorted(missing)}"


def test_finance_role_sees_finance_and_is_refused_stock(tea):
    client = member("books@demo.test", Role.FINANCE, supplier=tea)
    assert client.get(reverse("supplier:home")).status_code == 200  # home pages are open to every role
    finance = client.get(reverse("supplier:finance"))
    assert finance.status_code == 200
    assert client.get(reverse("supplier:statement-csv")).status_code == 200
    nav = shown(finance).split('class="portal-nav"')[1].split("</nav>")[0]
    assert f'href="{reverse("supplier:finance")}"' in nav
    for hidden in ("supplier:stock", "supplier:product-list", "supplier:member-list", "supplier:fulfilment-list"):
        assert f'href="{reverse(hidden)}"' not in nav, hidden
    stock = client.get(reverse("supplier:stock"))
    assert stock.status_code == 403
    page = shown(stock)
    assert "Not part of your role" in page and "Your role Finance at Green Leaf Tea does not include “Stock”" in page
    assert client.get(reverse("supplier:product-list")).status_code == 403
    assert client.get(reverse("supplier:member-list")).status_code == 403


def test_warehouse_role_sees_stock_and_shipping_and_is_refused_finance(tea):
    client = member("picker@demo.test", Role.WAREHOUSE, supplier=tea)
    stock = client.get(reverse("supplier:stock"))
    assert stock.status_code == 200
    assert client.get(reverse("supplier:fulfilment-list")).status_code == 200
    assert client.get(reverse("supplier:stocktake-list")).status_code == 200
    nav = shown(stock).split('class="portal-nav"')[1].split("</nav>")[0]
    assert f'href="{reverse("supplier:stock")}"' in nav and f'href="{reverse("supplier:wave-list")}"' in nav
    assert f'href="{reverse("supplier:finance")}"' not in nav
    for refused in ("supplier:finance", "supplier:statement-csv", "supplier:statement-xlsx", "supplier:product-list"):
        response = client.get(reverse(refused))
        assert response.status_code == 403, refused
    assert "does not include “Finance”" in shown(client.get(reverse("supplier:finance")))


def test_store_staff_sell_but_do_not_open_store_settings(demo):
    client = member("till@demo.test", Role.STAFF, store=Store.objects.get(slug="sunrise-nanjing-road"))
    assert client.get(reverse("storeadmin:pos")).status_code == 200
    assert client.get(reverse("storeadmin:fulfilment-list")).status_code == 200
    settings = client.get(reverse("storeadmin:delivery"))
    assert settings.status_code == 403 and "does not include “Store settings”" in shown(settings)
    assert client.get(reverse("storeadmin:member-list")).status_code == 403
    nav = shown(client.get(reverse("storeadmin:home"))).split('class="portal-nav"')[1].split("</nav>")[0]
    assert f'href="{reverse("storeadmin:pos")}"' in nav
    assert f'href="{reverse("storeadmin:delivery")}"' not in nav
    assert f'href="{reverse("storeadmin:member-list")}"' not in nav


def test_owners_and_managers_see_every_link(signed_in):
    page = shown(signed_in("supplier@demo.test").get(reverse("supplier:home")))
    nav = page.split('class="portal-nav"')[1].split("</nav>")[0]
    for name in ("supplier:finance", "supplier:stock", "supplier:product-list", "supplier:member-list"):
        assert f'href="{reverse(name)}"' in nav


def test_people_page_shows_what_each_role_may_do(signed_in):
    page = shown(signed_in("distributor@demo.test").get(reverse("distributor:member-list")))
    table = page.split('id="capabilities"')[1].split("</table>")[0]
    header = [h.strip() for h in re.findall(r"<th>([^<]*)</th>", table.split("</thead>")[0])]
    assert header == ["Capability", "Owner", "Manager", "Staff", "Finance", "Warehouse"]
    rows = {row.split("<div")[0].strip(): re.findall(r"<td>(.)</td>", row)
            for row in re.findall(r'<th scope="row">(.*?)</tr>', table)}
    #                     owner manager staff finance warehouse
    assert rows["Finance"] == ["✓", "✓", "—", "✓", "—"]
    assert rows["Stock"] == ["✓", "✓", "✓", "—", "✓"]
    assert rows["Sales"] == ["✓", "✓", "✓", "—", "—"]
    assert rows["People"] == ["✓", "✓", "—", "—", "—"]
