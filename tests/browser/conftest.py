"""Fixtures of the browser tests: one Chromium per module, async-unsafe ORM calls allowed around it."""

import re

import pytest
from playwright import sync_api

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, CHROMIUM_MISSING, SKIP_REASON, TIMEOUT_MS


def pytest_configure(config):
    config.addinivalue_line("markers", "live_browser: a browser test that needs a real ASGI server (Daphne, "
                                       "websockets) on a shared database: runs in pass 2 of make test")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            if CHROMIUM_MISSING:
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="module")
def async_unsafe_allowed():
    """Playwright's sync API keeps an event loop marked running in this thread, which makes Django refuse ORM
    calls from the test thread (fixture setup, database flush); allow them for this module only."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(async_unsafe_allowed):
    """Chromium. Its contexts answer the pages' notification websockets themselves (a silent socket): pytest-django's
    live server is WSGI and cannot speak websockets, and the live client's retries would reach it while the test
    database is flushed. Tests of live notifications run on Daphne with a browser of their own."""
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        new_context = launched.new_context

        def new_context_without_websockets(**options):
            context = new_context(**options)
            context.route_web_socket(re.compile(r"/ws/"), lambda socket: None)
            return context

        launched.new_context = new_context_without_websockets
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def site(transactional_db, live_server, async_unsafe_allowed, settings, tmp_path):
    """The demo marketplace (without the catalogues) behind a live server; transactional, so the server
    thread sees committed data; uploads go to a temporary media folder."""
    from parties.demo import load_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(with_catalogue=False)
    return live_server.url


@pytest.fixture
def desk(browser):
    """A fresh desktop-sized context (1280 px) per test: no cookies carried over between roles."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized context (375 px, touch) per test: no cookies carried over."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
