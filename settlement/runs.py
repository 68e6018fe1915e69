"""Settlement runs: pending funds whose return window has passed become available, set-based.

A run has two phases, each in committed chunks so that it can be killed at any moment and resumed:
1. mark: `UPDATE maturity SET settled_run = R` for due, unsettled rows, a chunk of ids at a time;
2. credit: per pending account, the sum of its postings in R's maturities (one GROUP BY per chunk of accounts)
   moves to the party's available account as one transaction keyed `settle:R:account`; keys already taken are
   skipped.
Starting a run while one is unfinished resumes that one (with its cutoff), so a killed run and its rerun end
exactly as one uninterrupted run. Two runs at once: the second is refused while the first holds the run lock
(PostgreSQL advisory lock, or a file lock beside the SQLite database), and the lock goes with the process.
"""

import contextlib
import fcntl
import os
import threading
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, saved_user
from payments.money import quantize
from settlement.ledger import Entry, Leg, account_for, ledger_post_many
from settlement.models import (
    Account,
    LedgerTransaction,
    Maturity,
    Posting,
    PostingKind,
    Purpose,
    SettlementRun,
    TransactionKind,
)

ADVISORY_KEY = 0x5E771E  # the settlement run's PostgreSQL advisory lock
Progress = Callable[[str, int, int], None]


class SettlementBusy(RuntimeError):
    """Another settlement run holds the lock."""


_in_this_process = threading.Lock()


@contextlib.contextmanager
def run_lock():
    """Held for the whole run; released when it ends or its process dies. PostgreSQL's advisory lock is re-entrant
    within one database session, so a plain lock refuses a second run in this process first."""
    if not _in_this_process.acquire(blocking=False):
        raise SettlementBusy(_("A settlement run is already in progress; wait for it to finish."))
    try:
        with _database_lock():
            yield
    finally:
        _in_this_process.release()


@contextlib.contextmanager
def _database_lock():
    """Between processes: a PostgreSQL advisory lock, or a file lock beside the SQLite database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
            if not cursor.fetchone()[0]:
                raise SettlementBusy(_("A settlement run is already in progress; wait for it to finish."))
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])
        return
    name = str(settings.DATABASES["default"]["NAME"])
    in_memory = not name or name.startswith(":") or "mode=memory" in name
    # an in-memory database lives in one process: its lock is that process's own
    path = (os.path.join(str(settings.BASE_DIR), "var", f"memory-{os.getpid()}") if in_memory
            else name) + ".settlement.lock"
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise SettlementBusy(_("A settlement run is already in progress; wait for it to finish.")) from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def settlement_run(*, cutoff: datetime | None = None, actor=None, chunk: int = 20000,
                   progress: Progress | None = None) -> SettlementRun:
    """Run (or resume) settlement up to `cutoff` (default now). Raises SettlementBusy when another run is going.

    Called outside a transaction (the command, the task), each chunk commits on its own; inside one (a test, the
    demo loader) the chunks are savepoints of it, with the same result.
    """
    with run_lock():
        run = SettlementRun.objects.filter(status=SettlementRun.Status.RUNNING).first()
        if run is None:
            run = SettlementRun.objects.create(cutoff=cutoff or timezone.now(), started_by=saved_user(actor))
            audit_record(action="settlement.run", actor=actor, target=run, changes={"cutoff": run.cutoff.isoformat()})
        _mark(run, chunk, progress)
        total = _credit(run, max(1, chunk // 20), progress)
        SettlementRun.objects.filter(pk=run.pk).update(status=SettlementRun.Status.FINISHED,
                                                       finished_at=timezone.now(), amount=total)
        run.refresh_from_db()
    return run


def _mark(run: SettlementRun, chunk: int, progress: Progress | None) -> None:
    """Due, unsettled maturities join the run, one committed UPDATE per range of `chunk` ids (an index range
    scan each; a killed run leaves whole ranges marked, and the same predicate finishes the rest)."""
    due = Maturity.objects.filter(settled_run=None, matures_at__lte=run.cutoff)
    bounds = due.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    low, high = bounds["low"], bounds["high"]
    for start in range(low, high + 1, chunk):
        with transaction.atomic():
            marked = due.filter(pk__gte=start, pk__lt=start + chunk).update(settled_run=run)
            SettlementRun.objects.filter(pk=run.pk).update(maturities=F("maturities") + marked)
        run.maturities += marked
        if progress:
            progress("mark", min(start + chunk, high + 1) - low, high + 1 - low)


def _credit(run: SettlementRun, chunk: int, progress: Progress | None) -> Decimal:
    """One GROUP BY gives every pending account's total in the run's maturities (stable once marking is done: no
    posting joins a settled maturity later); the credits are then written in committed batches. Returns the
    run's whole amount made available."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The planner guesses one row for a run id it has not seen in its statistics and picks a nested loop
            # over every posting (3x slower at a million lines, bench/settle.py): hash the run's maturities.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_nestloop = off")
                cursor.execute("SET LOCAL work_mem = '64MB'")
        sums = dict(Posting.objects.filter(maturity__settled_run=run, account__purpose=Purpose.PENDING)
                    .values("account_id").annotate(total=Sum("amount")).values_list("account_id", "total"))
    accounts = sorted(sums)
    done_keys = set(LedgerTransaction.objects.filter(run=run).values_list("key", flat=True))
    todo = [pk for pk in accounts if f"settle:{run.pk}:{pk}" not in done_keys]
    SettlementRun.objects.filter(pk=run.pk).update(accounts_total=len(accounts))
    done = len(accounts) - len(todo)
    for start in range(0, len(todo), chunk):
        batch = todo[start:start + chunk]
        with transaction.atomic():
            accounts_of = {account.pk: account for account in Account.objects.filter(pk__in=batch)}
            available = _available_accounts(accounts_of.values())
            entries = []
            for pk in batch:
                total = quantize(sums[pk] or 0)  # SQLite sums in floating point
                entries.append(Entry(key=f"settle:{run.pk}:{pk}", kind=TransactionKind.SETTLEMENT, run_id=run.pk,
                                     memo=f"run #{run.pk}",
                                     legs=[Leg(accounts_of[pk], -total, PostingKind.SETTLEMENT),
                                           Leg(available[pk], total, PostingKind.SETTLEMENT)]))
            ledger_post_many(entries=entries)
            done += len(batch)
            SettlementRun.objects.filter(pk=run.pk).update(accounts_done=done)
        if progress:
            progress("credit", done, len(accounts))
    return sum((quantize(total or 0) for total in sums.values()), Decimal("0.00"))


def _available_accounts(pending_accounts) -> dict[int, Account]:
    """{pending account pk: the same party's available account in its currency}, created where missing."""
    pending_accounts = list(pending_accounts)
    found = {(a.holder, a.supplier_id, a.distributor_id, a.currency): a for a in Account.objects.filter(
        purpose=Purpose.AVAILABLE, supplier_id__in={a.supplier_id for a in pending_accounts if a.supplier_id},
    )} | {(a.holder, a.supplier_id, a.distributor_id, a.currency): a for a in Account.objects.filter(
        purpose=Purpose.AVAILABLE, distributor_id__in={a.distributor_id for a in pending_accounts if a.distributor_id},
    )}
    result = {}
    for account in pending_accounts:
        key = (account.holder, account.supplier_id, account.distributor_id, account.currency)
        if key not in found:
            found[key] = account_for(party=account.party, purpose=Purpose.AVAILABLE, currency=account.currency)
        result[account.pk] = found[key]
    return result
