"""Every stock page a shop's staff opens on a phone (375 × 812) fits without sideways scrolling and has
finger-sized controls: the stock list and a row's ledger, alerts, to reorder, transfers, a stocktake's counting
page and its variance report, and the point of sale. The menu's list pages are swept in test_portals_in_browser;
these are the pages behind an id."""

import pytest

from tests.browser.support import assert_stylesheets_loaded, sign_in
from tests.browser.test_instore_phone import floor_stock
from tests.browser.test_portals_in_browser import SMALL_CONTROLS
from tests.browser.test_storefront_prices import fits_the_phone, listed_in_two_stores

pytestmark = [pytest.mark.browser]


def _shop_pages() -> list[str]:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from inventory.selectors import store_locations
    from inventory.stocktake.services import stocktake_start
    from parties.models import Store
    from supplier.models import WarehouseStock

    floor = store_locations(store=Store.objects.get(slug="sunrise-nanjing-road")).get(code="floor")
    row = WarehouseStock.objects.get(warehouse=floor, stockrecord__partner_sku="SHOP-OO-1")
    count = stocktake_start(location=floor, actor=get_user_model().objects.get(email="shopstaff@demo.test"))
    return [reverse("storeadmin:stock"), reverse("storeadmin:stock-detail", args=[row.pk]),
            reverse("storeadmin:stock-alerts"), reverse("storeadmin:stock-reorder"),
            reverse("storeadmin:transfer-list"), reverse("storeadmin:transfer-create"),
            reverse("storeadmin:stocktake-start"), reverse("storeadmin:stocktake-detail", args=[count.pk]),
            reverse("storeadmin:stocktake-variance", args=[count.pk]), reverse("storeadmin:pos")]


def test_the_shops_stock_pages_fit_a_phone_with_finger_sized_controls(site, phone):
    listed_in_two_stores()
    floor_stock(5)
    pages = _shop_pages()
    sign_in(phone, site, "shopstaff@demo.test")
    for path in pages:
        response = phone.goto(f"{site}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        assert_stylesheets_loaded(phone)
        fits_the_phone(phone)
        small = phone.evaluate(SMALL_CONTROLS)
        assert not small, f"{path} has controls too small for a finger: {small}"
