"""`manage.py settle [--cutoff YYYY-MM-DD[THH:MM]] [--chunk N]`: run or resume settlement, with a progress bar."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from settlement.runs import SettlementBusy, settlement_run

BAR = 30


def parse_cutoff(value: str) -> datetime:
    """A date (end of that day) or a date and time, in the local time zone."""
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, pattern)
        except ValueError:
            continue
        if pattern == "%Y-%m-%d":
            parsed = datetime.combine(parsed.date(), time.max)
        return timezone.make_aware(parsed, timezone.get_current_timezone())
    raise CommandError(_("--cutoff: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM, got %(value)r.") % {"value": value})


def progress_line(phase: str, done: int, total: int) -> str:
    filled = BAR if total <= 0 else min(BAR, BAR * done // total)
    return f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} {phase}"


class Command(BaseCommand):
    help = "Make pending funds whose return window has passed available (runs or resumes a settlement run)."

    def add_arguments(self, parser):
        parser.add_argument("--cutoff", help="matured up to this moment: YYYY-MM-DD (end of day) or YYYY-MM-DDTHH:MM")
        parser.add_argument("--chunk", type=int, default=5000, help="rows per committed chunk (default 5000)")

    def handle(self, *args, cutoff=None, chunk=5000, **options):
        if chunk < 1:
            raise CommandError(_("--chunk must be at least 1."))
        when = parse_cutoff(cutoff) if cutoff else None
        phases = set()

        def progress(phase, done, total):
            if phases and phase not in phases:
                self.stdout.write("")
            phases.add(phase)
            self.stdout.write(progress_line(phase, done, total), ending="")
            self.stdout.flush()

        try:
            run = settlement_run(cutoff=when, chunk=chunk, progress=progress)
        except SettlementBusy as error:
            self.stderr.write(str(error))
            raise SystemExit(1) from error
        if phases:
            self.stdout.write("")
        self.stdout.write(_("Settlement run #%(run)s up to %(cutoff)s: %(parts)s order parts matured, "
                            "%(done)s/%(total)s accounts credited, %(amount)s made available.") % {
            "run": run.pk, "cutoff": timezone.localtime(run.cutoff).strftime("%Y-%m-%d %H:%M"),
            "parts": run.maturities, "done": run.accounts_done, "total": run.accounts_total, "amount": run.amount})
