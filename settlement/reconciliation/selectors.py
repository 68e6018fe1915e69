"""Reconciliation queries for the back-office (operator only: no portal reaches these models)."""

from django.db.models import Count, Q, QuerySet

from settlement.reconciliation.models import Mismatch, MismatchKind, ProviderReport

STATES = ("open", "resolved", "all")


def report_list() -> QuerySet:
    """Reports newest first, each with its open and total mismatch counts."""
    return (ProviderReport.objects.select_related("created_by")
            .annotate(open_count=Count("mismatches", filter=Q(mismatches__resolved_at=None)),
                      mismatch_count=Count("mismatches"))
            .order_by("-created_at", "-pk"))


def open_mismatch_count() -> int:
    return Mismatch.objects.filter(resolved_at=None).count()


def report_mismatches(*, report: ProviderReport, kind: str = "", state: str = "open") -> QuerySet:
    """The report's mismatches, by kind then id; `kind` one of MismatchKind or "", `state` open/resolved/all."""
    found = report.mismatches.select_related("payment__order", "refund__payment__order", "provider_record",
                                             "resolved_by", "resolution")
    if kind in MismatchKind.values:
        found = found.filter(kind=kind)
    if state == "open":
        found = found.filter(resolved_at=None)
    elif state == "resolved":
        found = found.exclude(resolved_at=None)
    return found.order_by("kind", "pk")


def report_kind_counts(*, report: ProviderReport) -> list[tuple[str, str, int, int]]:
    """[(kind, label, open, total)] for every kind, in the order of MismatchKind."""
    counts = {row["kind"]: row for row in report.mismatches.values("kind").annotate(
        total=Count("pk"), open=Count("pk", filter=Q(resolved_at=None)))}
    return [(kind, label, counts.get(kind, {}).get("open", 0), counts.get(kind, {}).get("total", 0))
            for kind, label in MismatchKind.choices]
