"""A withdrawal end to end in a browser: distributor@demo.test asks for money on a 375 px phone and sees it move
from "available" to "withdrawing"; operator@demo.test approves it in the back-office and records the bank
transfer's reference; the distributor's page then shows it paid, with the reference, and nothing withdrawing.

The distributor's available balance is given by a balancing ledger transaction (its AVAILABLE credited against
the platform's SUSPENSE), what a settlement run leaves behind, without placing and delivering orders first.
"""

import uuid
from decimal import Decimal

import pytest

from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page(phone):
    return phone


def text(locator) -> str:
    return " ".join(locator.inner_text().split())


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= 375, f"{page.url} scrolls sideways: {width} px"


def give_available(slug: str, amount: Decimal) -> Decimal:
    """Top the distributor's available balance up to `amount`; returns it."""
    from parties.models import Distributor
    from settlement.ledger import Leg, account_for, ledger_post
    from settlement.models import PostingKind, Purpose, TransactionKind
    from settlement.selectors import party_balances

    party = Distributor.objects.get(slug=slug)
    missing = amount - party_balances(party=party).available
    ledger_post(key=f"browser-fund:{uuid.uuid4().hex}", kind=TransactionKind.ADJUSTMENT, legs=[
        Leg(account_for(party=party, purpose=Purpose.AVAILABLE, currency="CNY"), missing, PostingKind.ADJUSTMENT),
        Leg(account_for(party=None, purpose=Purpose.SUSPENSE, currency="CNY"), -missing, PostingKind.ADJUSTMENT)])
    return party_balances(party=party).withdrawing


def test_a_distributor_withdraws_from_a_phone_and_the_operator_pays_it(site, page, desk):
    from django.urls import reverse

    from settlement.withdrawals.models import Withdrawal

    withdrawing = give_available("sunrise-retail", Decimal("640.00"))

    sign_in(page, site, "distributor@demo.test")
    page.goto(f"{site}/distributor/finance/withdrawals/")
    no_sideways_scroll(page)
    assert text(page.locator("#balance-available")) == "640.00 CNY"
    assert "At least 100.00 CNY" in text(page.locator("#request"))
    page.fill("input[name=amount]", "250.00")
    button = page.locator("#request-withdrawal")
    assert button.bounding_box()["height"] >= 40
    with page.expect_navigation():
        button.click()
    no_sideways_scroll(page)
    assert "Withdrawal of 250.00 CNY requested" in text(page.locator(".messages"))
    assert text(page.locator("#balance-available")) == "390.00 CNY"
    assert text(page.locator("#balance-withdrawing")) == f"{withdrawing + Decimal('250.00')} CNY"
    withdrawal = Withdrawal.objects.get(distributor__slug="sunrise-retail", status="requested", amount=250)
    row = page.locator(f"#withdrawal-{withdrawal.pk}")
    assert "Requested" in text(row) and "248.00 CNY" in text(row)

    sign_in(desk, site, "operator@demo.test")
    desk.goto(f"{site}{reverse('dashboard:mp-withdrawal-list')}?status=requested")
    with desk.expect_navigation():
        desk.click(f"#withdrawal-row-{withdrawal.pk} a:has-text('Open')")
    with desk.expect_navigation():
        desk.click("#approve")
    assert "Pay it by bank transfer" in text(desk.locator("body"))
    assert "Approved" in text(desk.locator("#withdrawal-status"))
    desk.fill("#paid-reference", "ICBC-20261201-7781")
    with desk.expect_navigation():
        desk.click("#mark-paid")
    assert text(desk.locator("#withdrawal-status")) == "Paid"
    assert text(desk.locator("#withdrawal-reference")) == "ICBC-20261201-7781"

    page.reload()
    no_sideways_scroll(page)
    row = page.locator(f"#withdrawal-{withdrawal.pk}")
    assert "Paid" in text(row) and "ICBC-20261201-7781" in text(row)
    assert text(page.locator("#balance-available")) == "390.00 CNY"
    assert text(page.locator("#balance-withdrawing")) == f"{withdrawing} CNY"
