"""The background task that runs a web upload (django-tasks; the database backend by default).

`make run` starts the worker (`chibo db_worker`); the tests run tasks immediately.
"""

import logging
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from chibo.accounts.access import scope_for
from chibo.core.middleware import current_request_id

from ..models import ImportJob
from .base import ImportContext, ImportReport, RowError
from .importers import import_file

logger = logging.getLogger(__name__)


@task()
def import_job_run(job_id: int) -> dict[str, Any]:
    """Run one queued upload; returns its result (also stored on the job)."""
    return job_run(job_id)


def job_run(job_id: int) -> dict[str, Any]:
    """Claim the job (queued → running), import its file and store the outcome.

    A job already claimed (say, enqueued twice) is left alone. The uploader's scope is
    checked again: a role taken away since the upload stops the import.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return {}
    job = ImportJob.objects.select_related("org", "created_by").get(pk=job_id)
    token = current_request_id.set(f"import-{job.pk}")
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            report = _import(job)
    except Exception:
        logger.exception("import job %s failed", job_id)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            report = ImportReport(kind=job.kind)
            report.errors.append(
                RowError(None, None, _("The import stopped on an unexpected error."))
            )
    finally:
        current_request_id.reset(token)
    job.result = report.as_dict()
    job.status = ImportJob.Status.DONE if report.ok else ImportJob.Status.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "status", "finished_at"])
    ImportJob.objects.filter(pk=job.pk).update(rows_done=F("rows_total"))
    return job.result


def _import(job: ImportJob) -> ImportReport:
    root = job.org
    user = job.created_by
    if root is None or user is None or not scope_for(user).can_write_path(root.path):
        report = ImportReport(kind=job.kind)
        report.errors.append(RowError(None, None, _("You may not import into this unit.")))
        return report

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)

    ctx = ImportContext(actor=user, root=root, on_progress=progress)
    with job.file.open("rb") as stored:
        source = getattr(stored, "file", stored)
        return import_file(kind=job.kind, source=source, name=job.file_name, ctx=ctx, job=job)
