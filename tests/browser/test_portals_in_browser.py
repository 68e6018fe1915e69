"""The portals in a real browser: sign-in lands each role in its portal, the store portal fits a phone, and
a wrong password is a form error, not a crash.

Debian's Chromium driven by Playwright's sync API against pytest-django's live server (which also serves
static files, so a missing stylesheet shows up here). The browser starts once per module.
"""

from urllib.parse import urlsplit

import pytest

from tests.browser.support import TIMEOUT_MS, assert_stylesheets_loaded, sign_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def site(transactional_db, live_server, async_unsafe_allowed):
    """The demo marketplace behind a live server (transactional: the server thread must see committed data)."""
    from parties.demo import load_demo

    load_demo(with_catalogue=False)
    return live_server.url


@pytest.fixture
def page(desk):
    return desk


@pytest.mark.parametrize(
    ("email", "portal_path", "shows"),
    [
        ("operator@demo.test", "/shop/dashboard/", "Dashboard"),
        ("supplier@demo.test", "/supplier/", "Green Leaf Tea"),
        ("distributor@demo.test", "/distributor/", "Sunrise Retail"),
        ("storeadmin@demo.test", "/store/", "Sunrise Online"),
    ],
    ids=["operator", "supplier", "distributor", "store-admin"],
)
def test_sign_in_lands_in_the_role_portal(site, page, email, portal_path, shows):
    failures = []  # pages, stylesheets and scripts only: a favicon 404 is not the portal's fault
    page.on("response", lambda response: response.status >= 400
            and response.request.resource_type in {"document", "stylesheet", "script"}
            and failures.append(f"{response.status} {response.url}"))

    sign_in(page, site, email)
    page.wait_for_url(f"{site}{portal_path}")

    assert urlsplit(page.url).path == portal_path
    body = page.inner_text("body")
    assert shows in body, f"{email} landed on {page.url} without {shows!r}"
    assert_stylesheets_loaded(page)
    assert not failures, f"failed requests while signing in as {email}: {failures}"


def _store_admin_pages() -> list[str]:
    """Every page of the store admin portal's menu: a page added to the menu is checked here too."""
    from django.urls import reverse

    from storeadmin.views import StoreAdminPortalMixin

    return [reverse(name) for name, _label in StoreAdminPortalMixin.portal_nav]


# Buttons, fields and choices smaller than this are hard to hit with a finger (Apple's and Google's guides).
TOUCH_PX = 44

SMALL_CONTROLS = """() => [...document.querySelectorAll(
        'main button, main .btn, main select, main textarea, main input:not([type=hidden]), nav.portal-nav a')]
    .filter(el => el.offsetParent !== null)
    .map(el => ({what: el.outerHTML.slice(0, 80), box: el.getBoundingClientRect()}))
    .filter(item => (item.what.includes('type="checkbox"') || item.what.includes('type="radio"'))
                    ? item.box.height < 24 : item.box.height < TOUCH_PX)
    .map(item => `${item.what} is ${Math.round(item.box.height)} px tall`)""".replace("TOUCH_PX", str(TOUCH_PX))


@pytest.mark.parametrize("path", _store_admin_pages())
def test_store_portal_fits_a_phone_without_horizontal_scroll(site, browser, path):
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        phone = context.new_page()
        sign_in(phone, site, "storeadmin@demo.test")
        response = phone.goto(f"{site}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        assert urlsplit(phone.url).path == path
        assert_stylesheets_loaded(phone)
        widths = phone.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
        )
        assert widths["inner"] == 375, f"viewport is {widths['inner']} px wide, not a phone's 375"
        assert widths["scroll"] <= widths["inner"], (
            f"{path} scrolls sideways on a 375 px phone: content is {widths['scroll']} px wide"
        )
        small = phone.evaluate(SMALL_CONTROLS)
        assert not small, f"{path} has controls too small for a finger: {small}"
    finally:
        context.close()


def test_wrong_password_shows_the_error_on_the_login_page(site, page):
    statuses = []
    page.on("response", lambda response: statuses.append(response.status) if response.request.is_navigation_request()
            else None)

    sign_in(page, site, "supplier@demo.test", password="not-the-password")

    assert urlsplit(page.url).path == "/login/"
    error = page.locator(".errorlist")
    assert error.first.is_visible(), "no error message shown after a wrong password"
    assert "password" in error.first.inner_text().lower()
    assert page.locator("input[name=username]").input_value() == "supplier@demo.test"
    assert all(status < 500 for status in statuses), f"server errors during sign-in: {statuses}"
