"""Helpers shared by the browser tests: Debian's Chromium, driven by Playwright's sync API."""

import os

from parties.demo import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
# Headless as root, and quiet on a machine with no internet: without the background-networking flags
# Chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000

CHROMIUM_MISSING = not os.path.exists(CHROMIUM)
SKIP_REASON = f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)"



def sign_in(page, site: str, email: str, password: str = DEMO_PASSWORD):
    page.goto(f"{site}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")


def assert_stylesheets_loaded(page) -> None:
    """Every linked stylesheet arrived and parsed into rules (the live server serves static files)."""
    sheets = page.evaluate(
        """() => [...document.querySelectorAll('link[rel=stylesheet]')].map(link => {
               let rules = -1;
               try { rules = link.sheet ? link.sheet.cssRules.length : 0; } catch (e) { rules = -2; }
               return {href: link.href, rules};
           })"""
    )
    assert sheets, f"no stylesheet linked on {page.url}"
    empty = [sheet for sheet in sheets if sheet["rules"] <= 0]
    assert not empty, f"stylesheets missing or empty on {page.url}: {empty}"


def check_out_offline(page, *, on_checkout_page=None) -> str:
    """From the basket page: open the phone checkout, enter a Shanghai address, pay offline and place the order;
    returns its number. `on_checkout_page(page)` runs once the checkout page is open (e.g. a layout check)."""
    with page.expect_navigation():
        page.click("a.sf-button.wide")
    if on_checkout_page is not None:
        on_checkout_page(page)
    page.fill("input[name=name]", "Ma Li")
    page.fill("input[name=line1]", "88 Century Avenue")
    page.fill("input[name=city]", "Shanghai")
    page.fill("input[name=postcode]", "200120")
    page.check("input[name=payment_method][value=offline]")
    with page.expect_navigation():
        page.click("form.sf-form button[type=submit]")
    number = page.url.split("/s/orders/")[1].split("/")[0]
    assert number.isdigit(), page.url
    return number
