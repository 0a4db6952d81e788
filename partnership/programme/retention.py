"""Retention: after ``PROGRAMME_RETENTION_DAYS`` from closing, a case's identity record and
consent documents are erased; the anonymous case data stays for statistics."""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..core.database import utcnow
from ..core.services import record
from ..extensions import db
from .cases import add_event
from .consents import erase_documents
from .models import ChildCase, ChildIdentity, Consent


@dataclass
class PurgeReport:
    codes: list[str] = field(default_factory=list)
    documents: int = 0


def due_for_erasure(now=None) -> list[ChildCase]:
    """Closed cases past the retention period that still hold an identity or a document."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["PROGRAMME_RETENTION_DAYS"])
    holding = select(ChildIdentity.case_id).union(
        select(Consent.case_id).where(Consent.document_name.is_not(None)))
    return list(db.session.scalars(
        select(ChildCase).where(ChildCase.closed_at.is_not(None), ChildCase.closed_at < cutoff,
                                ChildCase.id.in_(holding)).order_by(ChildCase.id)))


def purge_identities(dry_run: bool = False, now=None) -> PurgeReport:
    """Erase what retention says must go; with ``dry_run`` only list it. Caller commits."""
    report = PurgeReport()
    for case in due_for_erasure(now):
        report.codes.append(case.code)
        if dry_run:
            continue
        report.documents += erase_documents(case)
        if case.identity is not None:
            db.session.delete(case.identity)
            case.identity = None
        case.identity_erased_at = utcnow()
        add_event(case, None, "identity_erased")
        record("programme.identity_erased", obj=case, code=case.code)
    db.session.flush()
    return report
