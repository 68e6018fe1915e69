"""The operator's finance pages: commission rule versions (published, never edited, applied by order date), the
split preview of a real order, and the finance overview against a hand-computed set of postings."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from audit.models import AuditEvent
from parties.models import Plan, Supplier
from settlement.finance_selectors import finance_overview
from settlement.ledger import Leg, account_for, ledger_post
from settlement.models import (
    Account,
    CommissionRule,
    CommissionRuleSet,
    Maturity,
    Posting,
    PostingKind,
    Purpose,
    SettlementRun,
    TransactionKind,
)
from tests import test_returns

D = Decimal
Category = get_model("catalogue", "Category")
listed, placed = test_returns.listed, test_returns.placed
pytestmark = pytest.mark.django_db
RULES = "dashboard:mp-commission-rules"


@pytest.fixture
def operator(signed_in):
    return signed_in("operator@demo.test")


def rules_post(client, *, effective_from="", rate="8", share="0", rules=(), note="Spring rates"):
    data = {"effective_from": effective_from, "default_rate": rate, "default_supplier_share": share,
            "gateway_fee_percent": "2.90", "gateway_fee_fixed": "0.30", "gateway_fee_bearer": "platform",
            "note": note, "rules-TOTAL_FORMS": "4", "rules-INITIAL_FORMS": "0", "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "200"}
    for index, (category, plan, rule_rate, rule_share) in enumerate(rules):
        data.update({f"rules-{index}-category": category.pk if category else "",
                     f"rules-{index}-plan": plan.pk if plan else "",
                     f"rules-{index}-rate": rule_rate, f"rules-{index}-supplier_share": rule_share})
    return client.post(reverse(RULES), data)


def commission(order) -> Decimal:
    total = Posting.objects.filter(order=order, account__purpose=Purpose.COMMISSION).aggregate(t=Sum("amount"))["t"]
    return D(str(total or 0)).quantize(D("0.01"))


# --- commission rules -------------------------------------------------------------------------------------------


def test_the_initial_rules_are_version_1_in_force_since_2000():
    first = CommissionRuleSet.objects.get(version=1)
    assert (first.default_rate, first.default_supplier_share) == (D("0.0500"), 0)
    assert (first.gateway_fee_percent, first.gateway_fee_fixed, first.gateway_fee_bearer) == \
        (D("2.90"), D("0.30"), "platform")
    assert first.effective_from.year == 2000 and first.note == "Initial rules"


def test_the_operator_publishes_a_new_version_with_rules(operator):
    category, plan = Category.objects.order_by("path").first(), Plan.objects.order_by("pk").first()
    top = CommissionRuleSet.objects.order_by("-version").first().version
    response = rules_post(operator, rate="8", rules=[(category, None, "12.5", "50"), (None, plan, "3", "0")])
    assert response.status_code == 302, (response.context["form"].errors, response.context["formset"].errors,
                                         response.context["formset"].non_form_errors())
    new = CommissionRuleSet.objects.get(version=top + 1)
    assert new.default_rate == D("0.0800") and new.note == "Spring rates"
    assert new.created_by.email == "operator@demo.test"
    assert {(r.category_id, r.plan_id, r.rate, r.supplier_share) for r in new.rules.all()} == {
        (category.pk, None, D("0.1250"), 50), (None, plan.pk, D("0.0300"), 0)}
    assert AuditEvent.objects.filter(action="commission_rules.created").exists()
    page = operator.get(reverse(RULES)).content.decode()
    assert f'id="ruleset-{top + 1}"' in page and "in force now" in page
    assert page.index(f'id="ruleset-{top + 1}"') < page.index('id="ruleset-1"')  # newest first
    assert "12.5" in page


@pytest.mark.parametrize("case, expected", [
    ("past", "not in the past"),
    ("duplicate", "Two rules for the same category and store level"),
    ("too high", "Enter at most 50"),
    ("before latest", "cannot come into force before the latest version"),
])
def test_a_version_that_breaks_the_rules_is_refused_with_a_clear_message(operator, case, expected):
    category = Category.objects.order_by("path").first()
    if case == "before latest":  # a version scheduled for next month: the next cannot start before it
        rules_post(operator, effective_from=(timezone.localtime() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"))
    count = CommissionRuleSet.objects.count()
    kwargs = {
        "past": {"effective_from": "2020-01-01T00:00"},
        "duplicate": {"rules": [(category, None, "10", "0"), (category, None, "12", "0")]},
        "too high": {"rate": "60"},
        "before latest": {"effective_from": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
    }[case]
    response = rules_post(operator, **kwargs)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert CommissionRuleSet.objects.count() == count


def test_an_order_placed_after_a_new_version_splits_at_its_rate_an_earlier_one_keeps_the_old(operator, placed,
                                                                                             online):
    # placed: 2 × LST-a (20.00) + 1 × LST-b (34.00) = 74.00 of goods, placed under version 1 (5 %)
    assert rules_post(operator, rate="10").status_code == 302
    later = test_returns.place(test_returns.basket_in(online, ("LST-a", 2), ("LST-b", 1),
                                                      owner=test_returns.user("shopper@demo.test")),
                               online, user=test_returns.user("shopper@demo.test"))
    test_returns.pay(placed)
    test_returns.pay(later)
    assert commission(placed) == D("3.70")
    assert commission(later) == D("7.40")


# --- the split preview ------------------------------------------------------------------------------------------


def test_the_preview_shows_each_lines_split_and_writes_nothing(operator, placed, sunrise):
    supplier = placed.lines.first().supplier
    before = (Maturity.objects.count(), Account.objects.count(), Posting.objects.count())
    response = operator.get(reverse("dashboard:mp-commission-preview"), {"number": placed.number})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not paid yet" in page
    assert page.count('class="card mb-3 preview-line"') == 2
    assert "rule: default (rate 0.0500" in page
    preview = response.context["preview"]
    line_totals = {}
    for item in preview.lines:
        for leg in item.legs:
            line_totals[leg.who] = line_totals.get(leg.who, D("0")) + leg.amount
    # wholesale 2 × 10 + 18 = 38.00 to the supplier; 74.00 − 38.00 = 36.00 margin less 5 % of 74.00 (3.70)
    assert line_totals[str(supplier)] == D("38.00")
    assert line_totals["Platform"] == D("3.70")
    assert line_totals[str(sunrise)] == D("32.30")
    assert (Maturity.objects.count(), Account.objects.count(), Posting.objects.count()) == before

    one = placed.lines.get(partner_sku="LST-b")
    response = operator.get(reverse("dashboard:mp-commission-preview"), {"number": placed.number, "line": one.pk})
    assert [item.line.pk for item in response.context["preview"].lines] == [one.pk]
    assert response.context["preview"].totals["Platform"] == D("1.70")  # 5 % of 34.00


def test_the_preview_of_an_unknown_order_says_so(operator):
    response = operator.get(reverse("dashboard:mp-commission-preview"), {"number": "NO-SUCH-ORDER"})
    assert response.status_code == 200
    assert "There is no order number NO-SUCH-ORDER" in response.content.decode()


# --- the overview -----------------------------------------------------------------------------------------------


def at(day, hour=12, minute=0):
    return timezone.make_aware(datetime(2001, 1, 1, hour, minute) + timedelta(days=day - 1))


@pytest.fixture
def books(sunrise):
    """Hand-made postings in January 2001 (nothing else is that old), plus one on each side of the month."""
    supplier = Supplier.objects.order_by("pk").first()

    def acc(party, purpose):
        return account_for(party=party, purpose=purpose, currency="CNY")

    cash, commission_acc = acc(None, Purpose.CASH), acc(None, Purpose.COMMISSION)

    def post(key, kind, when, *legs):
        ledger_post(key=f"test-books:{key}", kind=kind, at=when, legs=[Leg(a, D(x), k) for a, x, k in legs])

    post("before", TransactionKind.PAYMENT, at(0, 23, 30),  # 2000-12-31: not a January sale, but still owed
         (cash, "-7.00", PostingKind.PAYMENT), (acc(supplier, Purpose.PENDING), "7.00", PostingKind.WHOLESALE))
    post("pay-1", TransactionKind.PAYMENT, at(3),
         (cash, "-100.00", PostingKind.PAYMENT), (commission_acc, "5.00", PostingKind.COMMISSION),
         (acc(supplier, Purpose.PENDING), "95.00", PostingKind.WHOLESALE))
    post("duplicate", TransactionKind.PAYMENT, at(3),
         (cash, "-50.00", PostingKind.PAYMENT), (acc(None, Purpose.SUSPENSE), "50.00", PostingKind.DUPLICATE))
    post("refund-1", TransactionKind.REFUND, at(4),
         (cash, "20.00", PostingKind.REFUND), (commission_acc, "-1.00", PostingKind.REVERSAL),
         (acc(supplier, Purpose.PENDING), "-19.00", PostingKind.REVERSAL))
    post("pay-2", TransactionKind.PAYMENT, at(10),
         (cash, "-200.00", PostingKind.PAYMENT), (cash, "6.10", PostingKind.GATEWAY_FEE),
         (acc(None, Purpose.GATEWAY_FEES), "-6.10", PostingKind.GATEWAY_FEE),
         (commission_acc, "10.00", PostingKind.COMMISSION), (acc(None, Purpose.PROMOTIONS), "-4.00",
                                                              PostingKind.DISCOUNT),
         (acc(sunrise, Purpose.PENDING), "194.00", PostingKind.MARGIN))
    post("settle", TransactionKind.SETTLEMENT, at(20),
         (acc(supplier, Purpose.PENDING), "-75.00", PostingKind.SETTLEMENT),
         (acc(supplier, Purpose.AVAILABLE), "75.00", PostingKind.SETTLEMENT))
    post("withdraw", TransactionKind.WITHDRAWAL, at(21),
         (acc(supplier, Purpose.AVAILABLE), "-32.00", PostingKind.WITHDRAWAL),
         (acc(supplier, Purpose.WITHDRAWING), "30.00", PostingKind.WITHDRAWAL),
         (acc(None, Purpose.WITHDRAWAL_FEES), "2.00", PostingKind.WITHDRAWAL_FEE))
    post("payout", TransactionKind.PAYOUT, at(22),
         (acc(supplier, Purpose.WITHDRAWING), "-30.00", PostingKind.PAYOUT), (cash, "30.00", PostingKind.PAYOUT))
    post("adjust", TransactionKind.ADJUSTMENT, at(23),
         (acc(sunrise, Purpose.AVAILABLE), "-5.00", PostingKind.ADJUSTMENT),
         (acc(sunrise, Purpose.PENDING), "5.00", PostingKind.ADJUSTMENT))
    post("after", TransactionKind.PAYMENT, at(32),  # 2001-02-01
         (cash, "-1000.00", PostingKind.PAYMENT), (acc(sunrise, Purpose.PENDING), "1000.00", PostingKind.MARGIN))
    return supplier


def test_the_overview_figures_match_the_hand_computed_books(books):
    view = finance_overview(start=date(2001, 1, 1), end=date(2001, 1, 31))
    assert (view.gmv, view.payments, view.refunds) == (D("300.00"), 2, D("20.00"))  # the duplicate is not a sale
    assert view.revenue_parts == {Purpose.COMMISSION: D("14.00"), Purpose.WITHDRAWAL_FEES: D("2.00"),
                                  Purpose.PROMOTIONS: D("-4.00"), Purpose.TEAM_BONUS: D("0.00"),
                                  Purpose.GATEWAY_FEES: D("-6.10"), Purpose.POINTS: D("0.00")}
    assert view.revenue == D("5.90")
    # pending 7 + 95 − 19 + 194 − 75 + 5; available 75 − 32 − 5; withdrawing 30 − 30
    assert view.payables == {Purpose.PENDING: D("207.00"), Purpose.AVAILABLE: D("38.00"),
                             Purpose.WITHDRAWING: D("0.00")}
    assert view.negative_available == 1  # Sunrise: −5.00
    assert (view.payouts, view.payout_count) == (D("30.00"), 1)
    assert view.gmv_by_day == {date(2001, 1, 3): D("100.00"), date(2001, 1, 10): D("200.00")}
    assert view.revenue_by_day == {date(2001, 1, 3): D("5.00"), date(2001, 1, 4): D("-1.00"),
                                   date(2001, 1, 10): D("-0.10"), date(2001, 1, 21): D("2.00")}
    assert view.mismatches == 0
    from django.utils import timezone as tz

    from settlement.reconciliation.models import Mismatch, MismatchKind, ProviderReport

    report = ProviderReport.objects.create(source="file", period_start=tz.now(), period_end=tz.now(), sha256="x" * 64)
    for index, resolved in enumerate((None, None, tz.now())):
        Mismatch.objects.create(report=report, key=f"k{index}", subject=f"charge:pi_{index}", currency="CNY",
                                kind=MismatchKind.MISSING_IN_LEDGER, resolved_at=resolved)
    assert finance_overview(start=date(2001, 1, 1), end=date(2001, 2, 1)).mismatches == 2  # the open ones


def test_the_overview_page_shows_the_figures_and_svg_bars(operator, books):
    response = operator.get(reverse("dashboard:mp-finance-overview"), {"start": "2001-01-01", "end": "2001-01-31"})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<div class="h3" id="gmv">300.00</div>' in page
    assert '<div class="h3" id="revenue">5.90</div>' in page
    assert page.count("<rect ") == 31 + 31 + 3  # a bar per day in both charts, one per payable state
    assert "<script" not in page.split('id="chart-gmv"')[1].split("</svg>")[0]


@pytest.mark.parametrize("query", [{"start": "2001-02-01", "end": "2001-01-01"}, {"start": "yesterday"}])
def test_bad_or_reversed_dates_say_so_and_show_this_month(operator, query):
    response = operator.get(reverse("dashboard:mp-finance-overview"), query)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Showing this month instead" in page
    assert response.context["start"] == timezone.localdate().replace(day=1)


def test_the_overview_takes_a_fixed_number_of_queries_whatever_the_period(books):
    counts = []
    for days in (1, 60):
        with CaptureQueriesContext(connection) as queries:
            finance_overview(start=date(2001, 1, 1), end=date(2001, 1, 1) + timedelta(days=days - 1))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 6


@pytest.mark.parametrize("days", [1, 60])
def test_the_overview_stays_within_its_query_budget(books, django_assert_max_num_queries, days):
    with django_assert_max_num_queries(6):
        finance_overview(start=date(2001, 1, 1), end=date(2001, 1, 1) + timedelta(days=days - 1))


# --- settlement runs page and schedule (the runs themselves: tests/test_settlement_runs.py) ------------------------


def test_the_runs_page_lists_runs_and_shows_a_running_ones_progress(operator):
    finished = SettlementRun.objects.filter(status=SettlementRun.Status.FINISHED).first()  # the demo's
    run = SettlementRun.objects.create(cutoff=timezone.now(), maturities=5, accounts_total=8, accounts_done=2)
    page = operator.get(reverse("dashboard:mp-settlement-runs")).content.decode()
    assert f"Run #{run.pk}" in page and "2/8 accounts credited" in page and "Resume the run now" in page
    assert finished is None or f'id="run-{finished.pk}"' in page


def test_settlement_is_scheduled_daily_next_to_the_outbox_job():
    from redis import Redis
    from rq.cron import CronScheduler

    from settlement.tasks import run_settlement

    scheduler = CronScheduler(connection=Redis(port=1))  # loading the schedule talks to no Redis
    scheduler.load_config_from_file("marketplace.rq_cron")
    jobs = {job.name: job for job in scheduler.get_jobs()}
    assert {"outbox-safety-net", "settlement-daily"} <= set(jobs)
    daily = jobs["settlement-daily"]
    assert (daily.interval, daily.func, daily.queue_name) == (86400, run_settlement.func, run_settlement.queue_name)


# --- access -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["mp-finance-overview", "mp-settlement-runs", "mp-commission-rules",
                                  "mp-commission-preview"])
@pytest.mark.parametrize("email", ["supplier@demo.test", "distributor@demo.test", "shopper@demo.test"])
def test_finance_pages_are_not_found_for_non_staff(signed_in, name, email):
    client = signed_in(email)
    assert client.get(reverse(f"dashboard:{name}")).status_code == 404
    assert client.post(reverse(f"dashboard:{name}"), {}).status_code == 404
    assert not CommissionRule.objects.filter(ruleset__note="Spring rates").exists()
