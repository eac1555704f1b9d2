"""Web uploads: starting a job, and the reads of the page (a user sees only their own jobs)."""

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import Http404

from chibo.orgs.models import Organization

from ..models import ImportJob
from .tasks import import_job_run

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def job_start(
    *, actor: Any, kind: str, org: Organization, upload: UploadedFile, language: str
) -> ImportJob:
    """Store the upload under MEDIA_ROOT/imports/ and queue its import.

    The caller has checked that `org` lies in the actor's write scope; the task checks it
    again when it runs. The job row is committed before the task is queued (views run in
    autocommit), so a worker never looks for a job that is not there yet.
    """
    name = (upload.name or "upload").rsplit("/", 1)[-1][:255]
    job = ImportJob.objects.create(
        kind=kind, org=org, created_by=actor, file_name=name, language=language
    )
    job.file.save(name, upload, save=True)
    import_job_run.enqueue(job.pk)
    job.refresh_from_db()
    return job


def job_list(*, user: Any) -> QuerySet[ImportJob]:
    """The user's own imports, newest first."""
    return ImportJob.objects.filter(created_by_id=user.pk).select_related("org")


def job_get(*, user: Any, job_id: int | str) -> ImportJob:
    """One of the user's own imports; anyone else's (or none) is a 404."""
    try:
        return job_list(user=user).get(pk=job_id)
    except (ImportJob.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
