"""Imports from the embassy's page as recorded jobs: small files run at once, large ones in the
background (RQ, with REDIS_URL), each with its status, progress and report kept in the database.

A job is queued, running, succeeded or failed. Its file is kept in the job's row only until it
has run. The import itself is all or nothing as before: the rows are written, together with the
job's final status, in one unit of work, and only when every row is good. The upload's record,
the job's status while it runs and its progress are written apart, in short transactions of
their own.
"""

import logging

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import defer, joinedload

from ..auth.models import User
from ..core import unit_of_work
from ..core.access import NotVisible, require_role
from ..core.audit import record
from ..core.database import utcnow
from ..core.jobs import DONE, QUEUED
from ..core.jobs import queue as job_queue
from ..core.roles import EMBASSY_ROLES
from ..extensions import db
from . import imports
from .models import ImportJob, ImportKind, ImportStatus
from .tables import FileProblem, read_table

log = logging.getLogger(__name__)
IMPORTERS = {ImportKind.ORGANISATIONS: imports.import_organisations,
             ImportKind.ITEMS: imports.import_items}


def create_job(actor: User, kind: str, data: bytes, filename: str, dry_run: bool,
               language: str) -> ImportJob:
    """Record an upload; a file that cannot be read, or has too many rows, fails at once.

    The rows are counted while the file is read, so an oversized file is refused after reading
    one row more than the limit (``IMPORT_MAX_ROWS``), never after reading all of it.
    """
    require_role(actor, *EMBASSY_ROLES)
    shown_name = "".join(ch for ch in filename or "" if ch.isprintable())[:255]
    job = ImportJob(kind=ImportKind(kind), filename=shown_name, dry_run=dry_run,
                    language=language, status=ImportStatus.QUEUED, created_by_id=actor.id,
                    created_at=utcnow(), errors=[])
    try:
        _header, body = read_table(data, filename or "", max_rows())
    except FileProblem as problem:
        job.status = ImportStatus.FAILED
        job.errors = [{"row": 0, "column": "", "message": str(problem)}]
        job.finished_at = utcnow()
    else:
        job.rows_total = len(body)
        job.content = data
    # The upload and its report are kept whatever becomes of the import: written apart, which
    # also lets the import report its progress while its own unit of work is still open.
    with unit_of_work.apart() as apart:
        apart.add(job)
        apart.flush()
        uploaded = record("import.uploaded", actor=actor, obj=job, kind=job.kind.value,
                          rows=job.rows_total, dry_run=dry_run)
        db.session.expunge(uploaded)
        apart.add(uploaded)
    return db.session.get(ImportJob, job.id)


def max_rows() -> int:
    """The most data rows one file may hold on the web page."""
    return current_app.config["IMPORT_MAX_ROWS"]


def run_or_queue(job: ImportJob) -> str:
    """Run the job now, in the caller's unit of work, or queue it when it is large and a worker
    is configured. Returns 'queued', 'done' (ran here) or 'finished' (nothing left to run)."""
    if job.status != ImportStatus.QUEUED:
        return "finished"
    queue = None
    if job.rows_total > current_app.config["IMPORT_BACKGROUND_ROWS"]:
        queue = job_queue()
    if queue is not None:
        try:
            queue.enqueue(run_import, job.id, job_timeout=1800)
        except Exception:  # noqa: BLE001 - Redis unreachable: the file is still imported
            log.exception("import job %s could not be queued; running it now", job.id)
        else:
            return QUEUED
    _run(job.id)
    return DONE


@unit_of_work.job
def run_import(job_id: int) -> None:
    """The background job: one unit of work."""
    _run(job_id)


def _run(job_id: int) -> None:
    """Claim the job, check every row, write all rows or none, keep the report. The job's
    status and progress are written apart, so its page sees them meanwhile."""
    with unit_of_work.apart() as apart:
        claimed = apart.execute(
            update(ImportJob).where(ImportJob.id == job_id,
                                    ImportJob.status == ImportStatus.QUEUED)
            .values(status=ImportStatus.RUNNING, started_at=utcnow())).rowcount
    if not claimed:
        return  # run already, or by another worker
    job = db.session.get(ImportJob, job_id)
    db.session.refresh(job)
    importer, actor = IMPORTERS[job.kind], job.created_by
    dry_run, language = job.dry_run, job.language
    try:
        if actor is None or not actor.active:
            raise PermissionError("the officer who uploaded the file is no longer active")
        with force_locale(language):
            report = importer(actor, job.content or b"", job.filename, dry_run=dry_run,
                              max_rows=max_rows(), progress=_progress(job_id))
    except Exception:  # noqa: BLE001 - whatever broke, the job must end as failed
        unit_of_work.discard()
        log.exception("import job %s failed", job_id)
        with force_locale(language):
            message = _("The import stopped with an unexpected error; nothing was written.")
        _finish(job_id, ImportStatus.FAILED, [{"row": 0, "column": "", "message": message}])
        return
    if not report.ok or dry_run:
        unit_of_work.discard()  # a dry run, or a bad row: nothing of the file stays
    _finish(job_id, ImportStatus.SUCCEEDED if report.ok else ImportStatus.FAILED,
            [{"row": e.row, "column": e.column, "message": str(e.message)}
             for e in report.errors]
            + [{"row": w.row, "column": w.column, "message": str(w.message), "warning": True}
               for w in report.warnings], report)


def _finish(job_id: int, status: ImportStatus, errors: list[dict], report=None) -> None:
    job = db.session.get(ImportJob, job_id)
    job.status = status
    job.errors = errors
    job.content = None  # the file is not kept once it has been read
    job.finished_at = utcnow()
    if report is not None:
        job.rows_total = job.rows_checked = report.rows
        job.created_count, job.updated_count = report.created, report.updated
        job.unchanged_count = report.unchanged
    record("import.finished", actor=job.created_by, obj=job, status=status.value,
           rows=job.rows_total, problems=sum(not e.get("warning") for e in errors),
           dry_run=job.dry_run)


def _progress(job_id: int):
    """Write the number of rows checked on a connection of its own, so the page sees it while
    the import's own transaction is still open (rows are only checked then, nothing written)."""

    def tell(rows_checked: int) -> None:
        with db.engine.begin() as connection:
            connection.execute(update(ImportJob).where(ImportJob.id == job_id)
                               .values(rows_checked=rows_checked))

    return tell


def get_job(actor: User, job_id: int) -> ImportJob:
    """One import job, for the embassy."""
    require_role(actor, *EMBASSY_ROLES)
    job = db.session.get(ImportJob, job_id)
    if job is None:
        raise NotVisible()
    return job


def recent_jobs(actor: User, limit: int = 10) -> list[ImportJob]:
    """The latest imports, newest first (the file's content is not loaded)."""
    require_role(actor, *EMBASSY_ROLES)
    return list(db.session.scalars(
        select(ImportJob).options(defer(ImportJob.content), joinedload(ImportJob.created_by))
        .order_by(ImportJob.id.desc()).limit(limit)))
