"""Background work of the supplier side (django-tasks: immediate by default, RQ workers in production)."""

from django_tasks import task


@task()
def run_import_job(job_id: int) -> None:
    from supplier.imports import import_job_run

    import_job_run(job_id=job_id)
