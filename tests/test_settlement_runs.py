"""Settlement runs: funds past the return window become available once, a killed run resumes to the same result,
two runs never go at once; the `settle` command, the operator's button and the daily schedule."""

import io
import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from settlement.models import LedgerTransaction, Maturity, Posting, Purpose, SettlementRun
from settlement.runs import SettlementBusy, run_lock, settlement_run
from storefront.fulfilment.services import fulfilment_group_move
from storefront.models import FulfilmentGroup
from tests import test_returns
from tests.concurrency import run_together

D = Decimal
listed, placed = test_returns.listed, test_returns.placed
# Runs work inside the test's transaction (their chunks become savepoints); only the race needs real commits.
pytestmark = pytest.mark.django_db


class Killed(Exception):
    """Stands for the process dying between two committed chunks."""


def deliver(order, *, days_ago):
    now = timezone.now()
    for group in FulfilmentGroup.objects.filter(order=order).order_by("pk"):
        fulfilment_group_move(group=group, status="shipped", at=now - timedelta(days=days_ago + 1))
        fulfilment_group_move(group=FulfilmentGroup.objects.get(pk=group.pk), status="delivered",
                              at=now - timedelta(days=days_ago))


def one_more(online):
    shopper = test_returns.user("shopper@demo.test")
    return test_returns.place(test_returns.basket_in(online, ("LST-a", 1), owner=shopper), online, user=shopper)


@pytest.fixture
def orders(placed, online):
    """Four paid orders: two delivered long enough ago to be past the 7-day window, one delivered yesterday, one not
    delivered at all."""
    made = {"old": placed, "older": one_more(online), "recent": one_more(online), "undelivered": one_more(online)}
    for order in made.values():
        test_returns.pay(order)
    deliver(made["old"], days_ago=10)
    deliver(made["older"], days_ago=15)
    deliver(made["recent"], days_ago=1)
    return made


def party_balances_by_account() -> dict:
    """{(holder, supplier, distributor, currency, purpose): balance} of every party account (one query)."""
    rows = (Posting.objects.exclude(account__holder="platform")
            .values_list("account__holder", "account__supplier_id", "account__distributor_id", "account__currency",
                         "account__purpose").annotate(total=Sum("amount")))
    return {row[:5]: D(str(row[5])).quantize(D("0.01")) for row in rows}


def due_sums(cutoff=None) -> dict:
    """What a run up to `cutoff` must move from pending to available, per party account (one SQL aggregate)."""
    rows = (Posting.objects.filter(maturity__settled_run=None, maturity__matures_at__lte=cutoff or timezone.now(),
                                   account__purpose=Purpose.PENDING)
            .values_list("account__holder", "account__supplier_id", "account__distributor_id", "account__currency")
            .annotate(total=Sum("amount")))
    return {row[:4]: D(str(row[4])).quantize(D("0.01")) for row in rows if row[4]}


def moved(before, after, expected):
    """Every expected amount left pending and reached available; nothing else moved."""
    for key, amount in expected.items():
        pending, available = (*key, Purpose.PENDING), (*key, Purpose.AVAILABLE)
        assert after.get(pending, 0) - before.get(pending, 0) == -amount, key
        assert after.get(available, 0) - before.get(available, 0) == amount, key
    keys = {(*key, purpose) for key in expected for purpose in (Purpose.PENDING, Purpose.AVAILABLE)}
    assert {k: v for k, v in after.items() if k not in keys} == {k: v for k, v in before.items() if k not in keys
                                                                 and k in after}


def test_a_run_makes_funds_past_the_return_window_available_and_a_second_run_posts_nothing(orders):
    mine = {name: Maturity.objects.get(order=order) for name, order in orders.items()}
    assert mine["undelivered"].matures_at is None
    expected, before = due_sums(), party_balances_by_account()
    assert expected  # the two old orders are due

    run = settlement_run()

    assert run.status == SettlementRun.Status.FINISHED and run.finished_at
    moved(before, party_balances_by_account(), expected)
    assert run.amount == sum(expected.values())
    assert run.accounts_done == run.accounts_total == len(expected)
    settled = {name: Maturity.objects.get(pk=m.pk).settled_run_id for name, m in mine.items()}
    assert settled == {"old": run.pk, "older": run.pk, "recent": None, "undelivered": None}

    postings = Posting.objects.count()
    again = settlement_run()
    assert Posting.objects.count() == postings
    assert (again.maturities, again.amount, again.accounts_total) == (0, D("0.00"), 0)


def test_the_settle_command_prints_progress_and_a_summary_and_respects_the_cutoff(orders):
    # the older order matured 8 days ago, the old one 3 days ago: a cutoff 5 days back takes only the older
    cutoff = timezone.localdate() - timedelta(days=5)
    out = io.StringIO()
    call_command("settle", "--cutoff", cutoff.isoformat(), "--chunk", "1", stdout=out)
    text = out.getvalue()
    marks = re.findall(r"\r\[([#.]+)\] (\d+)/(\d+) mark", text)
    assert marks and marks[-1][1] == marks[-1][2] and set(marks[-1][0]) == {"#"}
    assert re.search(r"\r\[#+\] (\d+)/\1 credit", text)
    assert re.search(r"Settlement run #\d+ up to .*: \d+ order parts matured, (\d+)/\1 accounts credited", text)
    assert Maturity.objects.get(order=orders["older"]).settled_run_id is not None
    assert Maturity.objects.get(order=orders["old"]).settled_run_id is None


def test_a_second_run_is_refused_while_one_holds_the_lock_and_the_command_exits_1(orders):
    with run_lock(), pytest.raises(SettlementBusy):
        settlement_run()
    assert not SettlementRun.objects.filter(status=SettlementRun.Status.RUNNING).exists()
    err = io.StringIO()
    with run_lock(), pytest.raises(SystemExit) as exited:
        call_command("settle", stdout=io.StringIO(), stderr=err)
    assert exited.value.code == 1
    assert "already in progress" in err.getvalue()
    assert not SettlementRun.objects.filter(status=SettlementRun.Status.RUNNING).exists()
    with pytest.raises(CommandError, match="--cutoff"):
        call_command("settle", "--cutoff", "next tuesday", stdout=io.StringIO())


def test_a_run_killed_between_chunks_resumes_to_the_same_result(orders):
    expected, before = due_sums(), party_balances_by_account()
    assert len(expected) >= 2

    def die_in(phase):
        def progress(name, done, total):
            if name == phase:
                raise Killed

        return progress

    with pytest.raises(Killed):  # killed after the first chunk of maturities was marked and committed
        settlement_run(chunk=1, progress=die_in("mark"))
    run = SettlementRun.objects.get(status=SettlementRun.Status.RUNNING)
    assert run.maturities == 1 and Maturity.objects.filter(settled_run=run).count() == 1

    with pytest.raises(Killed):  # resumed, then killed after the first account was credited
        settlement_run(chunk=1, progress=die_in("credit"))
    run.refresh_from_db()
    assert run.status == SettlementRun.Status.RUNNING and run.accounts_done == 1

    finished = settlement_run(chunk=1)
    assert finished.pk == run.pk and finished.status == SettlementRun.Status.FINISHED
    moved(before, party_balances_by_account(), expected)
    keys = list(LedgerTransaction.objects.filter(run=run).values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == len(expected) == finished.accounts_done
    assert finished.amount == sum(expected.values())


def test_the_operator_runs_settlement_from_the_page(orders, signed_in, django_capture_on_commit_callbacks):
    operator = signed_in("operator@demo.test")
    url = reverse("dashboard:mp-settlement-runs")
    from settlement.tasks import run_settlement

    with run_lock():  # what the button's task answers while another run holds the lock
        assert run_settlement.enqueue().return_value["busy"] is True
    expected = due_sums()
    with django_capture_on_commit_callbacks(execute=True):  # the task is enqueued when the request commits
        queued = operator.post(url, follow=True).content.decode()
    assert "Settlement is queued" in queued  # (inside the test's transaction the commit comes after the page)
    page = operator.get(url).content.decode()
    run = SettlementRun.objects.order_by("-pk").first()
    assert run.started_by.email == "operator@demo.test" and run.status == SettlementRun.Status.FINISHED
    assert run.amount == sum(expected.values())
    assert f'id="run-{run.pk}"' in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_started_at_once_one_runs_the_other_is_refused(orders):
    expected, before = due_sums(), party_balances_by_account()

    def start():
        return settlement_run(progress=lambda *args: time.sleep(0.5))  # holds the lock long enough to meet

    results = run_together(start, [(), ()])
    runs = [r for r in results if isinstance(r, SettlementRun)]
    refused = [r for r in results if isinstance(r, SettlementBusy)]
    assert len(runs) == 1 and len(refused) == 1, results
    moved(before, party_balances_by_account(), expected)
    assert runs[0].amount == sum(expected.values())
