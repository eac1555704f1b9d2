"""Running an import: read and check every row, then write everything in one transaction.

`import_file` is the one service that writes imported data. It reads the file once,
row by row, checking each row and collecting every error (line, column, reason); if
there is any, nothing is written. Otherwise it writes in batches inside one transaction,
brings the report figures (`chibo.members.stats`) in step with the new events, and records
one ImportJob and one AuditEntry (counts and the file's SHA-256). A file that changes
nothing (every row already recorded) writes nothing at all.
"""

import hashlib
from pathlib import PurePath
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.core.audit import audit_record
from chibo.orgs.models import STEP_LENGTH, Organization

from .. import stats
from ..models import ImportJob
from .base import ImportContext, ImportReport, Rejected, RowError, no_cyclic_gc
from .columns import IMPORT_KINDS, resolve_header
from .import_events import EventImport
from .import_members import MemberImport
from .import_orgs import OrgImport
from .readers import FileProblem, file_format, open_table

IMPORTS: dict[str, Any] = {"orgs": OrgImport, "members": MemberImport, "events": EventImport}


def file_digest(source: IO[bytes]) -> str:
    start = source.tell()
    digest = hashlib.sha256()
    for block in iter(lambda: source.read(1 << 20), b""):
        digest.update(block)
    source.seek(start)
    return digest.hexdigest()


def import_file(
    *,
    kind: str,
    source: IO[bytes],
    name: str,
    ctx: ImportContext,
    job: ImportJob | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import `source` (an open binary file called `name`, .csv or .xlsx) as `kind`.

    Returns the report; when it has errors nothing was written. `ctx.root` limits the
    rows to a subtree (web uploads); `job` is the web upload's row, else one is created
    when something was written. Never raises for bad data.
    """
    if kind not in IMPORT_KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    report = ImportReport(kind=kind, members_created=0 if kind == "events" else None)
    importer = IMPORTS[kind](ctx, report)
    try:
        with no_cyclic_gc():
            return _import(importer, report, kind, source, name, ctx, job, dry_run)
    finally:
        close = getattr(importer, "close", None)  # an importer that spools drops its tables
        if close is not None:
            close()


def _import(
    importer: Any,
    report: ImportReport,
    kind: str,
    source: IO[bytes],
    name: str,
    ctx: ImportContext,
    job: ImportJob | None,
    dry_run: bool,
) -> ImportReport:
    try:
        digest = file_digest(source)
        with open_table(source, fmt=file_format(name), kind=kind) as table:
            ctx.total = table.total_hint
            columns, problems = resolve_header(kind, table.header)
            for problem in problems:
                report.errors.append(RowError(1, problem.column, problem.message))
            if not problems:
                importer.read(table, columns)
    except FileProblem as problem:
        report.errors.append(RowError(problem.line, None, problem.message))
    ctx.progress(report.rows, force=True)
    report.errors.sort(key=lambda e: (e.line or 0, e.column or ""))
    if report.errors or dry_run:
        return report
    try:
        with transaction.atomic():
            importer.write()
            if report.created or report.updated:
                _update_stats(importer.stat_changes)
                _record(kind, name, digest, report, ctx, job, importer.touched)
    except Rejected as rejected:
        _void_counts(report)
        report.errors = rejected.errors
    except IntegrityError:
        _void_counts(report)
        report.errors = [
            RowError(None, None, _("The data changed while the file was imported; import again."))
        ]
    return report


def _update_stats(changes: list[tuple[list[Any], list[Any]]]) -> None:
    """Bring the report figures (OrgPeriodStat) in step with the imported events.

    Every member's difference is added as the services add it, summed per batch of
    members (`stats.stats_apply_many`), so the cost grows with the file, not with the
    table.
    """
    stats.stats_apply_many(changes)


def _void_counts(report: ImportReport) -> None:
    report.created = report.updated = 0
    if report.members_created is not None:
        report.members_created = 0


def _common_unit(paths: list[str]) -> int | None:
    """The deepest unit whose subtree holds every path (where the audit row belongs)."""
    if not paths:
        return None
    low, high = min(paths), max(paths)
    size = 0
    while size < min(len(low), len(high)) and low[size] == high[size]:
        size += 1
    prefix = low[: size - size % STEP_LENGTH]
    if not prefix:
        return None
    return Organization.objects.filter(path=prefix).values_list("pk", flat=True).first()


def _record(
    kind: str,
    name: str,
    digest: str,
    report: ImportReport,
    ctx: ImportContext,
    job: ImportJob | None,
    touched: list[str],
) -> None:
    org_id = ctx.root.pk if ctx.root is not None else _common_unit(touched)
    if job is None:
        now = timezone.now()
        job = ImportJob.objects.create(
            kind=kind,
            file_name=PurePath(name).name[:255],
            status=ImportJob.Status.DONE,
            rows_total=report.rows,
            rows_done=report.rows,
            result=report.as_dict(),
            org_id=org_id,
            started_at=now,
            finished_at=now,
        )
    counts = {k: v for k, v in report.as_dict().items() if k not in ("kind", "errors")}
    audit_record(
        actor=ctx.actor,
        action=f"import.{kind}",
        obj=job,
        org_id=org_id,
        changes={"file": job.file_name, "sha256": digest, **counts},
    )
