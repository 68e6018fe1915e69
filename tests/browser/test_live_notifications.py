"""Live notifications end to end, in two browser contexts on phone-sized screens: a store admin keeps /store/ open
while a shopper buys in the store's storefront; the admin's page shows the toast and a higher badge without a
reload. Then the admin marks the order paid and the shopper's open order page turns "Paid" by itself.

Websockets need a real ASGI server: pytest-django's live_server is WSGI. So this module starts Daphne in a child
process (daphne.testing.DaphneProcess, as channels' ChannelsLiveServerTestCase does) on the test database, which
therefore must be one another process can open: it runs in pass 2 of `make test` (PostgreSQL + Redis; see
tests/run_suite.py, marker `live_browser`) and is skipped on pass 1's in-memory SQLite. The orders, their outbox
events and their delivery over the channel layer all happen inside the Daphne process.
"""

import os

import pytest
from playwright import sync_api
from playwright.sync_api import expect

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, check_out_offline, sign_in
from tests.browser.test_storefront_prices import fits_the_phone, listed_in_two_stores

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql"))
pytestmark = [
    pytest.mark.browser,
    pytest.mark.live_browser,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs a test database a second process (Daphne) can open: runs in "
                                               "pass 2 of make test (PostgreSQL + Redis), not on in-memory SQLite"),
]
STARTUP_SECONDS = 30


def _asgi_application():
    """Built in the Daphne child: the project's ASGI app (HTTP + websockets), serving static files too."""
    from channels.routing import get_default_application
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    return ASGIStaticFilesHandler(get_default_application())


def _fresh_child():
    """In the forked Daphne: what the test process's threads and event loops held does not survive a fork. Earlier
    async tests leave asgiref's one-thread executor (for database calls) with a worker thread the child does not
    have, and a channel layer with connections of the parent's loops: start both afresh."""
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import SyncToAsync
    from channels.layers import channel_layers

    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
    channel_layers.backends = {}


@pytest.fixture
def daphne_site(transactional_db, async_unsafe_allowed, settings, tmp_path):
    """The demo marketplace, committed, served by Daphne in a child process; yields its base URL.

    The child is forked, so it inherits the settings as the test run changed them: the test database's name, the
    channel layer and cache (Redis when REDIS_URL is set), a temporary media folder."""
    from daphne.testing import DaphneProcess
    from django.db import connections

    from parties.demo import load_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(with_catalogue=False)
    listed_in_two_stores()
    connections.close_all()  # the child must not share this process's database sockets
    server = DaphneProcess("127.0.0.1", _asgi_application, setup=_fresh_child)
    server.start()
    try:
        if not server.ready.wait(STARTUP_SECONDS):
            error = "" if server.errors.empty() else server.errors.get(False)[1]
            raise RuntimeError(f"Daphne did not start within {STARTUP_SECONDS} s\n{error}")
        yield f"http://127.0.0.1:{server.port.value}"
    finally:
        server.terminate()
        server.join(STARTUP_SECONDS)


@pytest.fixture(scope="module")
def real_browser(async_unsafe_allowed):
    """Chromium whose pages reach the server's websockets (the shared `browser` fixture answers them itself)."""
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def phones(real_browser):
    """Two separate phone-sized contexts (their own cookies): the store admin's and the shopper's."""
    contexts = [real_browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
                for _ in range(2)]
    for context in contexts:
        context.set_default_timeout(TIMEOUT_MS)
    try:
        yield [context.new_page() for context in contexts]
    finally:
        for context in contexts:
            context.close()


def live(page):
    """Wait until the page's live client is connected (the server said hello), and mark the page so that a reload
    would be noticed."""
    expect(page.locator("[data-live][data-live-state=open]")).to_have_count(1, timeout=TIMEOUT_MS)
    page.evaluate("() => { window.__sameDocument = true; }")


def not_reloaded(page) -> bool:
    return page.evaluate("() => window.__sameDocument === true")


def buy_one(page, site: str) -> str:
    """The shopper buys one Shop Walk Oolong in Sunrise Online, paying offline; returns the order number."""
    page.goto(f"{site}/s/sunrise-online/?q=oolong")
    with page.expect_navigation():
        page.locator("li.sf-card", has_text="Shop Walk Oolong").locator("a").click()
    page.fill("li[data-sku=SHOP-OO-1] input[name=quantity]", "1")
    with page.expect_navigation():
        page.click("li[data-sku=SHOP-OO-1] button[type=submit]")
    number = check_out_offline(page)
    expect(page.locator("[data-placed]")).to_contain_text("Thank you! Your order is placed.")
    return number


def test_the_store_admin_sees_a_new_order_live_and_the_shopper_sees_it_paid(daphne_site, phones):
    from notifications.models import Notification
    from payments.models import Payment

    admin, shopper = phones
    sign_in(admin, daphne_site, "storeadmin@demo.test")
    admin.goto(f"{daphne_site}/store/")
    badge = admin.locator("header [data-unread-count]")
    before = int(badge.get_attribute("data-unread-count"))
    live(admin)

    sign_in(shopper, daphne_site, "shopper@demo.test")
    number = buy_one(shopper, daphne_site)

    # The admin's page, untouched since it loaded: the toast and the badge arrive over the websocket.
    toast = admin.locator("[data-live-toasts][aria-live=polite] a.mp-toast", has_text=f"New order {number}")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("1 item(s)")
    expect(badge).to_have_text(str(before + 1))
    expect(badge).to_be_visible()
    assert not_reloaded(admin), "the store admin's page was reloaded"
    fits_the_phone(admin)
    told = Notification.objects.filter(user__email="storeadmin@demo.test", event__kind="order.placed")
    event = told.select_related("event").latest("event_id").event
    assert str(event.params["number"]) == number
    assert toast.get_attribute("href") == f"/notifications/{event.pk}/"

    # The shopper keeps the order page open; the admin taps the toast (it is read now), then marks the order paid.
    live(shopper)
    expect(shopper.locator("[data-live-region=status] [data-status]")).to_have_text("Pending payment")
    shopper_badge = shopper.locator("header [data-unread-count]")
    shopper_before = int(shopper_badge.get_attribute("data-unread-count"))
    with admin.expect_navigation():
        toast.click()
    assert admin.url == f"{daphne_site}/store/"
    expect(badge).to_have_text(str(before))
    payment = Payment.objects.get(order__number=number)
    admin.goto(f"{daphne_site}/payments/{payment.pk}/mark-paid/")
    with admin.expect_navigation():
        admin.click("form.panel button[type=submit]")
    expect(admin.locator(".messages")).to_contain_text(f"Order {number} is marked paid.")

    expect(shopper.locator("[data-live-toasts] a.mp-toast", has_text=f"Order {number} paid")).to_be_visible()
    expect(shopper.locator("[data-live-region=status] [data-status]")).to_have_text("Paid")
    expect(shopper.locator("[data-live-region=payment]")).to_contain_text("Thank you!")
    expect(shopper_badge).to_have_text(str(shopper_before + 1))
    assert not_reloaded(shopper), "the shopper's order page was reloaded"
    fits_the_phone(shopper)

    # The notification centre on the phone: the order's notification is there, read since the admin tapped it.
    admin.goto(f"{daphne_site}/notifications/?kind=order.placed")
    fits_the_phone(admin)
    row = admin.locator(f"li[data-notification='{event.pk}']")
    expect(row).to_contain_text(f"New order {number}")
    expect(row).not_to_have_class("unread")
