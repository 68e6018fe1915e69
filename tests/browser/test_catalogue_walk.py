"""The supply side end to end in a real browser: a company applies, the operator approves it, its owner sets a
password, creates a product and submits it, the operator approves it in the review queue, and a distributor
finds it in the distribution market. Also: the catalogue pages fit a 375 px phone.

Same Debian Chromium + Playwright set-up as test_portals_in_browser.py (helpers imported from there).
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from PIL import Image

from tests.browser.support import (
    TIMEOUT_MS,
    assert_stylesheets_loaded,
    sign_in,
)

pytestmark = [pytest.mark.browser]

NEW_OWNER = "owner@cloudpeak.test"
NEW_PASSWORD = "Cloud-Peak-tea-2025"


@pytest.fixture
def new_context(browser):
    """A fresh browser context (no cookies) per role; all closed at the end of the test."""
    contexts = []

    def make(**options):
        context = browser.new_context(**({"viewport": {"width": 1280, "height": 900}} | options))
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def image_file(tmp_path, name: str, colour: str) -> str:
    path = tmp_path / name
    Image.new("RGB", (320, 240), colour).save(path, format="PNG")
    return str(path)


def body_text(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("body"))


def test_apply_approve_create_submit_approve_and_find_it_in_the_market(site, new_context, tmp_path):
    from parties.models import Supplier

    # A company applies to become a supplier (public page, not signed in).
    applicant = new_context()
    applicant.goto(f"{site}/apply/supplier/")
    applicant.fill("input[name=company_name]", "Cloud Peak Tea")
    applicant.fill("input[name=contact_name]", "Lin Yun")
    applicant.fill("input[name=email]", NEW_OWNER)
    applicant.fill("input[name=phone]", "+86 138 0013 8000")
    applicant.fill("input[name=licence_number]", "91330100MA2CLOUD1")
    applicant.set_input_files("input[name=licence_image]", image_file(tmp_path, "licence.png", "#eeeeee"))
    with applicant.expect_navigation():
        applicant.click("form button[type=submit]")
    assert "/apply/status/" in applicant.url

    # The operator approves the application.
    operator = new_context()
    sign_in(operator, site, "operator@demo.test")
    operator.goto(f"{site}/shop/dashboard/platform/applications/")
    with operator.expect_navigation():
        operator.click("text=Cloud Peak Tea")
    with operator.expect_navigation():
        operator.click("form[action$='/approve/'] button[type=submit]")
    assert "Approved" in operator.inner_text("#application-status")
    assert Supplier.objects.filter(name="Cloud Peak Tea").exists()

    # The new owner chooses a password through the e-mailed link, then signs in.
    [welcome] = [m for m in mail.outbox if NEW_OWNER in m.to and "approved" in m.subject]
    link = re.search(r"https?://\S+/password-reset/confirm/\S+", welcome.body)
    owner = new_context()
    owner.goto(link.group(0))
    owner.fill("input[name=new_password1]", NEW_PASSWORD)
    owner.fill("input[name=new_password2]", NEW_PASSWORD)
    with owner.expect_navigation():
        owner.click("button:has-text('Change my password')")
    sign_in(owner, site, NEW_OWNER, password=NEW_PASSWORD)
    owner.wait_for_url(f"{site}/supplier/")

    # A new supplier has no warehouse yet: it adds one.
    owner.goto(f"{site}/supplier/warehouses/new/")
    owner.fill("input[name=code]", "cp")
    owner.fill("input[name=name]", "Cloud Peak warehouse")
    owner.fill("input[name=name_zh]", "云峰仓")
    with owner.expect_navigation():
        owner.click("form.panel button[type=submit]")
    assert "Cloud Peak warehouse" in body_text(owner)

    # It creates a product with one SKU, an image and stock, then submits it for review.
    owner.click("nav.portal-nav >> text=New product")
    owner.wait_for_url(f"{site}/supplier/products/new/")
    assert_stylesheets_loaded(owner)
    owner.fill("input[name=title]", "Cloud Peak Mao Feng")
    owner.fill("textarea[name=description]", "High mountain green tea.")
    owner.select_option("select[name=category]", "Tea > Green tea")
    owner.select_option("select[name=product_class]", "Tea")
    owner.check("input[name=tags][value=new]")
    owner.set_input_files("input[name=images]", image_file(tmp_path, "maofeng.png", "#2e7d32"))
    owner.fill("input[name=variants-0-sku]", "CP-MF-100")
    owner.fill("input[name=variants-0-wholesale_price]", "40.00")
    owner.fill("input[name=variants-0-suggested_retail_price]", "69.00")
    owner.fill("input[name=variants-0-min_retail_price]", "55.00")
    owner.fill("input[name=variants-0-stock_cp]", "120")
    with owner.expect_navigation():
        owner.click("button[name=save]")
    assert re.search(r"/supplier/products/\d+/$", owner.url), body_text(owner)[:2000]
    assert "Draft" in body_text(owner)
    with owner.expect_navigation():
        owner.click("text=Submit for review")
    assert "Waiting for the operator's review." in body_text(owner)

    # The operator approves it from the review queue.
    operator.goto(f"{site}/shop/dashboard/platform/reviews/")
    assert "First review" in body_text(operator)
    with operator.expect_navigation():
        operator.click("text=Cloud Peak Mao Feng")
    assert "CP-MF-100" in body_text(operator)
    with operator.expect_navigation():
        operator.click("button[value=approve]")
    assert "“Cloud Peak Mao Feng” approved." in body_text(operator)

    # A distributor finds it in the distribution market, with its prices and margin.
    distributor = new_context()
    sign_in(distributor, site, "distributor@demo.test")
    distributor.click("nav.portal-nav >> text=Distribution market")
    distributor.wait_for_url(f"{site}/distributor/market/")
    card = re.sub(r"\s+", " ", distributor.locator("ul.market li", has_text="Cloud Peak Mao Feng").inner_text())
    assert "Cloud Peak Tea" in card  # the supplier
    assert "CN¥40.00" in card and "CN¥69.00" in card and "CN¥29.00" in card and "120" in card
    with distributor.expect_navigation():
        distributor.click("text=Cloud Peak Mao Feng")
    detail = body_text(distributor)
    assert "CP-MF-100" in detail and "CN¥55.00" in detail


def add_products() -> None:
    """Two approved products with long names and several variants, so the lists have something to lay out."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from parties.models import Supplier
    from supplier import services
    from supplier.catalogue_input import ProductInput, VariantInput

    supplier = Supplier.objects.get(slug="green-leaf-tea")
    owner = get_user_model().objects.get(email="supplier@demo.test")
    operator = get_user_model().objects.get(email="operator@demo.test")
    for number, title in enumerate(["Extraordinarily Long Named West Lake Longjing Pre-Qingming Imperial Grade",
                                    "Anji White Tea"]):
        variants = [VariantInput(sku=f"PHONE-{number}-{i}", label=f"{50 * (i + 1)} g gift tin",
                                 wholesale_price=Decimal("1234.50"), suggested_retail_price=Decimal("2345.00"),
                                 min_retail_price=Decimal("1999.99"), stock={"hz": 12, "sh": 30})
                    for i in range(3)]
        entry = services.product_create(actor=owner, supplier=supplier, data=ProductInput(
            title=title, category="Tea > Green tea", product_class="Tea", tags=["new", "hot"], variants=variants))
        services.product_submit(actor=owner, entry=entry)
        services.product_approve(actor=operator, entry=entry)


def _phone(new_context):
    return new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True,
                       has_touch=True)


def _fits(page) -> None:
    widths = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["inner"] == 375
    assert widths["scroll"] <= widths["inner"], f"{page.url} scrolls sideways: {widths['scroll']} px wide"


@pytest.mark.parametrize("path", ["/supplier/products/", "/supplier/products/new/", "/supplier/products/import/",
                                  "/distributor/market/"])
def test_catalogue_pages_fit_a_phone(site, new_context, path):
    add_products()
    email = "distributor@demo.test" if path.startswith("/distributor/") else "supplier@demo.test"
    phone = _phone(new_context)
    sign_in(phone, site, email)
    response = phone.goto(f"{site}{path}")
    assert response.status == 200 and urlsplit(phone.url).path == path
    assert_stylesheets_loaded(phone)
    _fits(phone)


def test_product_form_adds_variant_rows_with_javascript(site, new_context):
    page = new_context()
    sign_in(page, site, "supplier@demo.test")
    page.goto(f"{site}/supplier/products/new/")
    assert page.locator("fieldset.variant").count() == 1
    page.click("#add-row")
    page.click("#add-row")
    assert page.locator("fieldset.variant").count() == 3
    assert page.input_value("#id_variants-TOTAL_FORMS") == "3"
    assert page.locator("input[name=variants-2-sku]").count() == 1

