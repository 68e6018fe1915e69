"""`manage.py outbox_dispatch`: deliver the due outbox rows once, or (`--pending`) say what is waiting.

Runs one pass of `notifications.services.outbox_dispatch()` and stops: periodic runs come from RQ's cron
(`manage.py rqcron marketplace.rq_cron`), never from a loop here. Exits non-zero, with the channel layer's error,
when a delivery failed (the rows stay due and are retried with back-off).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from notifications.models import OutboxEvent
from notifications.services import outbox_dispatch


class Command(BaseCommand):
    help = "Deliver due outbox events to the channel layer once (or show what is pending with --pending)."

    def add_arguments(self, parser):
        parser.add_argument("--pending", action="store_true",
                            help="Only report the events not yet sent; deliver nothing.")

    def handle(self, *args, pending=False, **options):
        if pending:
            return self._report()
        result = outbox_dispatch()
        self.stdout.write(f"Sent {len(result.sent)} event(s), {len(result.failed)} failed.")
        if result.error:
            raise CommandError(f"Channel layer failed: {result.error}. The failed events stay pending and are "
                               f"retried with back-off.")

    def _report(self):
        now = timezone.now()
        found = OutboxEvent.objects.filter(sent_at=None).aggregate(
            pending=Count("pk"), failing=Count("pk", filter=Q(attempts__gt=0)),
            due=Count("pk", filter=Q(next_attempt_at__lte=now)), oldest=Min("created_at"),
            max_attempts=Max("attempts"))
        self.stdout.write(f"Pending: {found['pending']} (due now: {found['due']}, failing: {found['failing']})")
        if found["pending"]:
            age = int((now - found["oldest"]).total_seconds())
            self.stdout.write(f"Oldest pending: {age} s old; most attempts: {found['max_attempts']}")
            last = (OutboxEvent.objects.filter(sent_at=None).exclude(last_error="").order_by("-pk")
                    .values_list("last_error", flat=True).first())
            if last:
                self.stdout.write(f"Last error: {last}")
