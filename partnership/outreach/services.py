"""The cooperation package as recorded jobs: the embassy asks, the files are rendered at once
or in the background (RQ, with REDIS_URL, for large catalogues), with progress on a page, and
kept in a cache (the shared storage every app host reads, area ``catalogues``, keys
``<key>/<file>``): the same filters, language and data give the same files without rendering
again.

A job's row (its status and progress) is written apart, in short transactions of its own, so
its page sees the progress while the rendering runs. Rendering writes nothing else.
"""

import logging

from flask import current_app
from sqlalchemy import select, update

from ..auth.models import User
from ..core import unit_of_work
from ..core.access import NotVisible, require_role
from ..core.audit import record
from ..core.database import utcnow
from ..core.jobs import DONE, QUEUED
from ..core.jobs import queue as job_queue
from ..core.roles import EMBASSY_ROLES
from ..core.services import ServiceError
from ..core.storage import storage
from ..extensions import db
from ..notifications.services import notify
from . import catalogue, render
from .models import CatalogueJob, CatalogueStatus

log = logging.getLogger(__name__)
CACHE_AREA = "catalogues"  # rendered packages in the shared storage (core/storage.py)
FILES = {"pdf": ("catalogue.pdf", "application/pdf"),
         "xlsx": ("catalogue.xlsx",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         "specimen": ("specimen.pdf", "application/pdf")}


def can_request(actor: User | None) -> bool:
    return bool(actor and actor.is_authenticated and actor.role in EMBASSY_ROLES)


def is_cached(key: str) -> bool:
    """Whether the package of ``key`` is in the shared storage (all three files)."""
    return all(storage().exists(CACHE_AREA, f"{key}/{name}") for name, _type in FILES.values())


def request_package(actor: User, filters: catalogue.Filters, language: str) -> CatalogueJob:
    """Record the officer's request (a POST): a job that is already done when the same
    package is in the cache, else queued to be rendered (see ``run_or_queue``)."""
    require_role(actor, *EMBASSY_ROLES)
    if language not in catalogue.LANGUAGES:
        raise ServiceError(_unknown_language(), "language")
    key = catalogue.cache_key(filters, language)
    cached = is_cached(key)
    job = CatalogueJob(key=key, language=language, filters=filters.as_dict(),
                       status=CatalogueStatus.SUCCEEDED if cached else CatalogueStatus.QUEUED,
                       organisations=catalogue.count(filters), progress=100 if cached else 0,
                       created_by_id=actor.id, created_at=utcnow(),
                       finished_at=utcnow() if cached else None)
    # Written apart: the job's row must exist for the worker and the progress page before
    # the request's own unit commits (and whatever becomes of it).
    with unit_of_work.apart() as apart:
        apart.add(job)
        apart.flush()
        requested = record("catalogue.requested", actor=actor, obj=job, language=language,
                           cached=cached, **{k: ",".join(v) if isinstance(v, list) else v
                                             for k, v in filters.as_dict().items()})
        db.session.expunge(requested)
        apart.add(requested)
    return db.session.get(CatalogueJob, job.id)


def _unknown_language() -> str:
    from flask_babel import gettext as _

    return _("Choose the catalogue's language.")


def run_or_queue(job: CatalogueJob) -> str:
    """Render now, or queue a large catalogue for the worker. Returns 'queued' or 'done'."""
    if job.status != CatalogueStatus.QUEUED:
        return DONE
    queue = job_queue() if job.organisations > background_threshold() else None
    if queue is not None:
        try:
            queue.enqueue(run_job, job.id, job_timeout=1800)
        except Exception:  # noqa: BLE001 - Redis unreachable: the package is rendered here
            log.exception("catalogue job %s could not be queued; rendering it now", job.id)
        else:
            return QUEUED
    _run(job.id)
    return DONE


def background_threshold() -> int:
    return current_app.config["CATALOGUE_BACKGROUND_ORGANISATIONS"]


@unit_of_work.job
def run_job(job_id: int) -> None:
    """The background job: render, then tell whoever asked that the package is ready (or
    could not be made), with a link to its page (in the app, and by e-mail as they chose).
    The PDF's parts are laid out in ``render.PROCESSES`` processes (the worker's cores)."""
    _run(job_id, processes=render.PROCESSES)
    job = db.session.get(CatalogueJob, job_id)
    db.session.refresh(job)
    if job.created_by is None or job.status not in (CatalogueStatus.SUCCEEDED,
                                                    CatalogueStatus.FAILED):
        return
    kind = "package_ready" if job.status == CatalogueStatus.SUCCEEDED else "package_failed"
    notify([job.created_by], kind, {"count": job.organisations}, endpoint="outreach.job",
           link_args={"job_id": job.id}, key=f"package:{job.id}")


def _run(job_id: int, processes: int = 1) -> None:
    """Claim the job, render the three files into the cache, record the outcome."""
    with unit_of_work.apart() as apart:
        claimed = apart.execute(
            update(CatalogueJob).where(CatalogueJob.id == job_id,
                                       CatalogueJob.status == CatalogueStatus.QUEUED)
            .values(status=CatalogueStatus.RUNNING, started_at=utcnow(), progress=1)).rowcount
    if not claimed:
        return
    job = db.session.get(CatalogueJob, job_id)
    db.session.refresh(job)
    try:
        render_files(job.key, catalogue.Filters.from_dict(job.filters), job.language,
                     progress=lambda percent: _set(job_id, progress=percent),
                     processes=processes)
    except Exception as error:  # noqa: BLE001 - whatever broke, the job ends as failed
        log.exception("catalogue job %s failed", job_id)
        _set(job_id, status=CatalogueStatus.FAILED, finished_at=utcnow(),
             error=type(error).__name__)
        return
    _set(job_id, status=CatalogueStatus.SUCCEEDED, progress=100, finished_at=utcnow())


def _set(job_id: int, **values) -> None:
    with unit_of_work.apart() as apart:
        apart.execute(update(CatalogueJob).where(CatalogueJob.id == job_id).values(**values))


def render_files(key: str, filters: catalogue.Filters, language: str, progress=None,
                 processes: int = 1) -> str:
    """Render the catalogue (PDF, XLSX) and the specimen into the shared storage under ``key``
    (the PDF's parts in ``processes`` processes); the package counts as cached only once its
    last file (the specimen) is stored, so a reader never finds half a package."""
    tell = progress or (lambda _percent: None)
    if is_cached(key):
        return key
    found = catalogue.sections(filters)
    tell(15)
    files = {"xlsx": render.catalogue_xlsx(found, filters, language)}
    tell(25)
    files["pdf"] = render.catalogue_pdf(
        found, filters, language, progress=lambda share: tell(25 + round(60 * share)),
        processes=processes)
    tell(85)
    files["specimen"] = render.specimen_pdf(language)
    tell(99)
    for kind in ("xlsx", "pdf", "specimen"):
        name, media_type = FILES[kind]
        storage().put(CACHE_AREA, f"{key}/{name}", files[kind], media_type, with_unit=False)
    return key


def get_job(actor: User, job_id: int) -> CatalogueJob:
    require_role(actor, *EMBASSY_ROLES)
    job = db.session.get(CatalogueJob, job_id)
    if job is None:
        raise NotVisible()
    return job


def recent_jobs(actor: User, limit: int = 10) -> list[CatalogueJob]:
    require_role(actor, *EMBASSY_ROLES)
    return list(db.session.scalars(select(CatalogueJob).order_by(CatalogueJob.id.desc())
                                   .limit(limit)))


def file_of(actor: User, job: CatalogueJob, kind: str) -> tuple[bytes, str, str]:
    """A finished job's file: its bytes, download name and media type (NotVisible if the
    job has not finished or its files have left the cache)."""
    require_role(actor, *EMBASSY_ROLES)
    if kind not in FILES or job.status != CatalogueStatus.SUCCEEDED:
        raise NotVisible()
    name, media_type = FILES[kind]
    try:
        data = storage().get(CACHE_AREA, f"{job.key}/{name}")
    except FileNotFoundError as missing:
        raise NotVisible() from missing
    stem = catalogue.file_stem(job.language, job.created_at.date())
    download = f"{stem}.{name.rsplit('.', 1)[1]}" if kind != "specimen" else \
        f"memorandum-specimen-{'-'.join(render.specimen_languages(job.language))}.pdf"
    unit_of_work.keep_read(record("catalogue.downloaded", actor=actor, obj=job, kind=kind))
    return data, download, media_type
