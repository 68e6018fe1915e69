"""Real imports run as a django-tasks task; progress goes to the cache so a page can show it while it runs.

The import itself is one transaction, so progress cannot be written to the
job row (nobody else would see it before commit): the cache carries it.
"""

from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone

from notifications.audiences import Audience
from notifications.services import event_emit
from parties.models import Supplier
from supplier import spreadsheet
from supplier.models import ImportJob


def import_staging() -> FileSystemStorage:
    """Where a checked upload waits for the supplier's "Import" click: private, outside MEDIA_ROOT."""
    return FileSystemStorage(location=Path(settings.VAR_DIR) / "import-staging")


STAGED_UPLOAD_LIFETIME = timedelta(days=1)


def staged_uploads_prune(*, now: datetime | None = None) -> int:
    """Delete checked uploads nobody imported within a day (the supplier closed the page); returns how many.

    Called whenever a new upload is staged, so the folder never grows without bound.
    """
    storage = import_staging()
    if not storage.exists(""):
        return 0
    cutoff = (now or timezone.now()) - STAGED_UPLOAD_LIFETIME
    removed = 0
    for name in storage.listdir("")[1]:
        if storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            removed += 1
    return removed


def _progress_key(job_id: int) -> str:
    return f"mp-import-progress:{job_id}"


def import_job_start(*, actor, supplier: Supplier, staged_name: str, filename: str) -> ImportJob:
    """Record the job and enqueue it once this transaction commits (the task must see the row)."""
    from supplier.tasks import run_import_job

    job = ImportJob.objects.create(supplier=supplier, actor=actor, filename=filename, staged_name=staged_name)
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("supplier", "actor").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job  # a retried delivery of a job that already ran
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)

    def progress(done: int, total: int) -> None:
        cache.set(_progress_key(job.pk), {"done": done, "total": total}, timeout=24 * 3600)

    storage = import_staging()
    try:
        with storage.open(job.staged_name, "rb") as handle:
            report = spreadsheet.import_apply(actor=job.actor, supplier=job.supplier, file=handle,
                                              filename=job.filename, progress=progress)
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, error=repr(exc)[:2000],
                                                   finished_at=timezone.now())
        raise
    finally:
        if storage.exists(job.staged_name):
            storage.delete(job.staged_name)
    status = ImportJob.Status.DONE if report.applied else ImportJob.Status.FAILED
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(status=status, report=report.as_dict(), finished_at=timezone.now())
        event_emit(kind="import.finished", audiences=[Audience.supplier(job.supplier_id)], params={
            "job": job.pk, "file": job.filename, "created": report.new_products, "updated": report.updated_products,
            "failed": len(report.errors)})
    job.refresh_from_db()
    return job


def import_job_progress(*, job: ImportJob) -> dict:
    """What the job page shows: status, units done of total, and the report once finished."""
    if job.finished:
        total = (job.report or {}).get("products", 0)
        return {"status": job.status, "finished": True, "done": total, "total": total, "percent": 100,
                "report": job.report, "error": bool(job.error)}
    seen = cache.get(_progress_key(job.pk)) or {"done": 0, "total": 0}
    percent = int(100 * seen["done"] / seen["total"]) if seen["total"] else 0
    return {"status": job.status, "finished": False, **seen, "percent": percent, "report": None, "error": False}
