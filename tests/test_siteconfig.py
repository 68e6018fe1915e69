"""Marketplace settings: versioned values in force over time, the back-office page that changes them (audited, bad
input refused with nothing saved), and the readers that follow them (withdrawals, return window, payment methods,
new stock rows' low-stock threshold)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from parties.models import Distributor, Store
from payments.errors import PaymentError
from payments.registry import available_methods
from settlement.withdrawals import services as withdrawals
from settlement.withdrawals.services import WithdrawalError
from siteconfig.models import SettingVersion
from siteconfig.selectors import setting_value
from siteconfig.services import setting_change
from storefront.returns import services as returns
from tests import test_returns
from tests.distribution_helpers import record
from tests.test_withdrawals import fund

D = Decimal
listed, placed = test_returns.listed, test_returns.placed
pytestmark = pytest.mark.django_db
URL = "/shop/dashboard/platform/settings/"  # dashboard:mp-settings (checked below)


def user(email):
    return get_user_model().objects.get(email=email)


@pytest.fixture
def operator(demo):
    return user("operator@demo.test")


def shown(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def versions() -> int:
    return SettingVersion.objects.count()


# --- setting_value over time -----------------------------------------------------------------------------------------


def test_the_django_default_applies_until_a_version_is_stored(operator, settings):
    settings.RETURN_WINDOW_DAYS, settings.WITHDRAWAL_FEE = 9, "3.50"
    assert setting_value(key="return_window_days") == 9
    assert setting_value(key="withdrawal_fee") == D("3.50")
    setting_change(actor=operator, key="return_window_days", raw="12")
    assert setting_value(key="return_window_days") == 12  # the stored version wins over the Django setting now
    assert setting_value(key="return_window_days", at=timezone.now() - timedelta(hours=1)) == 9  # not before


def test_a_scheduled_version_applies_only_from_its_start(operator):
    start = timezone.now() + timedelta(days=3)
    setting_change(actor=operator, key="return_window_days", raw="20", effective_from=start)
    assert setting_value(key="return_window_days") == 7  # the operator's default (settings) is still in force
    assert setting_value(key="return_window_days", at=start - timedelta(seconds=1)) == 7
    assert setting_value(key="return_window_days", at=start) == 20
    assert setting_value(key="return_window_days", at=start + timedelta(days=30)) == 20


def test_setting_value_costs_one_query(operator):
    setting_change(actor=operator, key="withdrawal_fee", raw="3.00")
    with CaptureQueriesContext(connection) as queries:
        assert setting_value(key="withdrawal_fee") == D("3.00")
    assert len(queries) == 1


def test_a_start_in_the_past_is_refused_and_nothing_is_stored(operator):
    before = versions()
    with pytest.raises(ValidationError, match="never in the past"):
        setting_change(actor=operator, key="return_window_days", raw="10",
                       effective_from=timezone.now() - timedelta(hours=2))
    assert versions() == before


# --- the back-office page ------------------------------------------------------------------------------------------


def test_the_page_changes_a_setting_audits_it_and_shows_value_scheduled_and_history(signed_in):
    client = signed_in("operator@demo.test")
    response = client.post(URL, {"key": "withdrawal_min_amount", "value": "150.00", "note": "new policy"},
                           follow=True)
    page = shown(response)
    assert "Smallest withdrawal: the new value applies from" in page
    assert setting_value(key="withdrawal_min_amount") == D("150.00")
    event = AuditEvent.objects.filter(action="setting.change").latest("pk")
    assert event.actor.email == "operator@demo.test"
    assert event.changes["key"] == "withdrawal_min_amount"
    assert (event.changes["from"], event.changes["to"]) == ("100.00", "150.00")

    later = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)
    client.post(URL, {"key": "withdrawal_min_amount", "value": "180.00",
                      "effective_from": later.strftime("%Y-%m-%dT%H:%M")})
    page = shown(client.get(URL))
    card = page[page.index('id="setting-withdrawal_min_amount"'):page.index('id="setting-withdrawal_fee"')]
    assert '<strong class="setting-value">150.00</strong>' in card
    assert f"Scheduled: 180.00 from {later:%Y-%m-%d %H:%M}" in card
    assert "new policy" in card  # the history lists both versions with their notes
    assert card.count("<tr><td>") == 2
    assert setting_value(key="withdrawal_min_amount", at=later) == D("180.00")


@pytest.mark.parametrize(("key", "value", "says"), [
    ("return_window_days", "366", "Return window: enter whole days from 0 to 365."),
    ("return_window_days", "-1", "Return window: enter whole days from 0 to 365."),
    ("return_window_days", "seven", "Return window: enter whole days from 0 to 365."),
    ("withdrawal_min_amount", "-5.00", "enter an amount of 0 or more with at most 2 decimals"),
    ("withdrawal_min_amount", "100.005", "enter an amount of 0 or more with at most 2 decimals"),
    ("withdrawal_fee", "1.999", "enter an amount of 0 or more with at most 2 decimals"),
    ("withdrawal_fee", "100.00", "The withdrawal fee (100.00) must be less than the smallest withdrawal (100.00)"),
    ("withdrawal_min_amount", "2.00", "The smallest withdrawal (2.00) must be more than the withdrawal fee (2.00)"),
    ("points_per_yuan", "101", "Points per yuan: enter a whole number from 0 to 100."),
    ("points_value", "0", "Point value: enter an amount above 0"),
    ("points_redeem_cap", "1.5", "Points cap: enter a share from 0 to 1"),
    ("points_redeem_cap", "1", "part of an order is always paid in money"),
    ("low_stock_default", "-3", "Low-stock default: enter a whole number of 0 or more."),
    ("nonsense", "1", "Unknown setting"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(signed_in, key, value, says):
    client = signed_in("operator@demo.test")
    before, audited = versions(), AuditEvent.objects.filter(action="setting.change").count()
    page = shown(client.post(URL, {"key": key, "value": value}, follow=True))
    assert says in page
    assert versions() == before
    assert AuditEvent.objects.filter(action="setting.change").count() == audited


def test_a_past_start_on_the_page_is_refused(signed_in):
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    before = versions()
    page = shown(signed_in("operator@demo.test").post(
        URL, {"key": "return_window_days", "value": "10", "effective_from": past}, follow=True))
    assert "A new value starts now or later, never in the past" in page
    assert versions() == before


def test_the_last_payment_method_cannot_be_switched_off(signed_in, settings):
    settings.STRIPE_ENABLED = False  # offline is the only method that can take money
    before = versions()
    page = shown(signed_in("operator@demo.test").post(URL, {"key": "payment_methods_disabled"}, follow=True))
    assert "Keep at least one payment method on" in page
    assert versions() == before
    assert [m.code for m in available_methods()] == ["offline"]


def test_the_page_shows_key_status_never_values_and_commission_defaults(signed_in, settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_SECRETVALUE", ""
    settings.STRIPE_WEBHOOK_SECRET = "whsec_HIDDEN"
    page = shown(signed_in("operator@demo.test").get(URL))
    assert "Stripe: Secret key</th><td>set</td>" in page
    assert "Stripe: Publishable key</th><td>not set</td>" in page
    assert "Stripe: Webhook signing secret</th><td>set</td>" in page
    assert "SECRETVALUE" not in page and "HIDDEN" not in page
    assert reverse("dashboard:mp-commission-rules") in page and reverse("dashboard:mp-plan-list") in page
    from parties.models import Plan
    from settlement.rules import commission_rules_in_force

    rules = commission_rules_in_force()
    assert f"default rate {rules.default_rate}, supplier's share {rules.default_supplier_share}%" in page
    pro = Plan.objects.get(code="pro")
    assert f"<td>{pro}</td><td>{pro.default_commission_rate}</td>" in page


def test_the_page_runs_a_fixed_number_of_queries(signed_in, operator):
    client = signed_in("operator@demo.test")
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    start = timezone.now() + timedelta(days=1)
    for days in range(10, 16):
        setting_change(actor=operator, key="return_window_days", raw=str(days), effective_from=start + timedelta(
            days=days))
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)


def test_party_users_never_reach_the_settings_page(signed_in):
    assert reverse("dashboard:mp-settings") == URL
    assert signed_in("distributor@demo.test").get(URL).status_code == 404
    assert signed_in("distributor@demo.test").post(URL, {"key": "withdrawal_fee", "value": "0.00"}).status_code == 404
    assert setting_value(key="withdrawal_fee") == D("2.00")


# --- readers follow the stored setting -----------------------------------------------------------------------------


@pytest.fixture
def harbor(demo):
    party = Distributor.objects.get(slug="harbor-goods")
    fund(party, D("1000.00"))
    return party


def test_the_withdrawal_minimum_and_fee_follow_the_setting_in_force(harbor, operator):
    owner = user("harbor@demo.test")
    setting_change(actor=operator, key="withdrawal_min_amount", raw="250.00")
    with pytest.raises(WithdrawalError, match=r"The smallest withdrawal is 250\.00 CNY\."):
        withdrawals.withdrawal_request(party=harbor, amount="200.00", currency="CNY", actor=owner)
    early = withdrawals.withdrawal_request(party=harbor, amount="250.00", currency="CNY", actor=owner)
    assert early.fee == D("2.00")  # the Django default until a fee is stored
    setting_change(actor=operator, key="withdrawal_fee", raw="4.50")
    later = withdrawals.withdrawal_request(party=harbor, amount="300.00", currency="CNY", actor=owner)
    assert later.fee == D("4.50")
    early.refresh_from_db()
    assert early.fee == D("2.00")  # a request keeps the fee in force when it was made
    assert later.net == D("295.50")


def test_a_scheduled_fee_does_not_touch_requests_before_its_start(harbor, operator):
    setting_change(actor=operator, key="withdrawal_fee", raw="9.00", effective_from=timezone.now() + timedelta(days=1))
    made = withdrawals.withdrawal_request(party=harbor, amount="120.00", currency="CNY", actor=user("harbor@demo.test"))
    assert made.fee == D("2.00")


def delivered_at(order):
    from storefront.models import FulfilmentGroup

    return FulfilmentGroup.objects.filter(order=order).values_list("delivered_at", flat=True).first()


def test_the_return_window_follows_the_setting_in_force_when_the_order_was_placed(placed, online, operator):
    Store.objects.filter(pk=online.pk).update(return_window_days=None)
    test_returns.pay(placed)
    test_returns.deliver(placed, days_ago=8)
    line = placed.lines.get(partner_sku="LST-a")
    delivered = delivered_at(placed)
    assert returns.return_window_ends(line=line) == delivered + timedelta(days=7)  # the 7-day default
    with pytest.raises(ValidationError, match="closed on"):  # 7 days by default: 8 days ago is too late
        test_returns.ask(placed, {"LST-a": 1})

    # A window changed after the order was placed does not change what the shopper bought under ...
    setting_change(actor=operator, key="return_window_days", raw="14")
    assert returns.return_window_ends(line=line) == delivered + timedelta(days=7)
    # ... while the operator's default for an order placed now is the new one.
    assert setting_value(key="return_window_days") == 14
    fresh = test_returns.place(test_returns.basket_in(online, ("LST-a", 1), owner=user("shopper@demo.test")), online,
                               user=user("shopper@demo.test"))
    test_returns.pay(fresh)
    test_returns.deliver(fresh, days_ago=8)
    fresh_line = fresh.lines.get(partner_sku="LST-a")
    assert returns.return_window_ends(line=fresh_line) == delivered_at(fresh) + timedelta(days=14)
    request = test_returns.ask(fresh, {"LST-a": 1})  # 8 days after delivery, within 14
    assert request.lines.count() == 1


def test_the_delivery_page_names_the_current_default(signed_in, operator):
    setting_change(actor=operator, key="return_window_days", raw="11")
    page = shown(signed_in("storeadmin@demo.test").get("/store/delivery/"))
    assert "Leave empty for the marketplace default (11 days)." in page


def test_a_switched_off_method_is_not_offered_and_is_refused_at_checkout(signed_in, settings, operator, listed,
                                                                         online):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY, settings.STRIPE_ENABLED = "sk_x", "pk_x", True
    assert [m.code for m in available_methods()] == ["offline", "stripe"]
    page = shown(signed_in("operator@demo.test").post(URL, {"key": "payment_methods_disabled", "on": ["stripe"]},
                                                      follow=True))
    assert "Payment methods switched off: the new value applies from" in page
    assert setting_value(key="payment_methods_disabled") == ["offline"]
    assert [m.code for m in available_methods()] == ["stripe"]

    from oscar.core.loading import get_model

    Order = get_model("order", "Order")
    orders = Order.objects.count()
    basket = test_returns.basket_in(online, ("LST-a", 1), owner=user("shopper@demo.test"))
    with pytest.raises(PaymentError, match="is not available right now"):
        test_returns.place(basket, online, user=user("shopper@demo.test"), payment_method="offline")
    assert Order.objects.count() == orders

    guest = Client()
    guest.post(f"/s/{online.slug}/basket/add/", {"product": record("LST-a").product_id, "quantity": 1})
    checkout = shown(guest.get(reverse("storefront:checkout")))
    assert 'value="stripe"' in checkout and 'value="offline"' not in checkout
    refused = shown(guest.post(reverse("storefront:checkout"), {
        "name": "Li Lei", "phone": "", "line1": "1 Nanjing Road", "line2": "", "city": "Shanghai",
        "postcode": "200001", "country": "CN", "payment_method": "offline", "email": "g@example.test"}))
    assert "Select a valid choice." in refused
    assert Order.objects.count() == orders


def test_new_stock_rows_take_the_low_stock_default_once_set(operator, demo):
    from inventory.services import stock_receive
    from parties.models import Warehouse
    from supplier.models import WarehouseStock
    from tests.distribution_helpers import approved_tea

    approved_tea()
    floor = Warehouse.objects.get(store__slug="sunrise-nanjing-road", code="floor")
    first, second = record("LST-a"), record("LST-b")
    WarehouseStock.objects.filter(warehouse=floor, stockrecord__in=[first, second]).delete()
    stock_receive(location=floor, items=[(first.pk, 3)], actor=None, reason="opening")
    assert WarehouseStock.objects.get(warehouse=floor, stockrecord=first).low_stock_threshold is None  # none set
    setting_change(actor=operator, key="low_stock_default", raw="6")
    stock_receive(location=floor, items=[(second.pk, 3)], actor=None, reason="opening")
    assert WarehouseStock.objects.get(warehouse=floor, stockrecord=second).low_stock_threshold == 6
    assert WarehouseStock.objects.get(warehouse=floor, stockrecord=first).low_stock_threshold is None  # kept
