"""Retention: after ``PROGRAMME_RETENTION_DAYS`` from closing — or, for a case that ended
withdrawn or consent_withdrawn and was never closed, from the time it reached that state (its
timeline has it) — a case's identity record and consent documents are erased, and the free
text that may name a child (needs, progress notes, follow-up notes, timeline notes) is
replaced by ``ERASED``; the anonymous case data stays for statistics."""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select

from ..core.audit import record
from ..core.database import utcnow
from ..extensions import db
from .consents import erase_documents
from .models import CaseEvent, CaseState, ChildCase, ChildIdentity, Consent
from .timeline import add_event

ERASED = "[erased]"
ENDED_WITHOUT_CLOSING = (CaseState.WITHDRAWN, CaseState.CONSENT_WITHDRAWN)


@dataclass
class PurgeReport:
    codes: list[str] = field(default_factory=list)
    documents: int = 0


def due_for_erasure(now=None) -> list[ChildCase]:
    """Cases past the retention period (closed, or withdrawn and never closed) that still hold
    an identity or a document."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["PROGRAMME_RETENTION_DAYS"])
    holding = select(ChildIdentity.case_id).union(
        select(Consent.case_id).where(Consent.document_name.is_not(None)))
    ended_long_ago = (select(CaseEvent.case_id)
                      .where(CaseEvent.to_state.in_([str(s) for s in ENDED_WITHOUT_CLOSING]))
                      .group_by(CaseEvent.case_id).having(func.max(CaseEvent.at) < cutoff))
    return list(db.session.scalars(
        select(ChildCase).where(
            or_(and_(ChildCase.closed_at.is_not(None), ChildCase.closed_at < cutoff),
                and_(ChildCase.closed_at.is_(None),
                     ChildCase.state.in_(ENDED_WITHOUT_CLOSING),
                     ChildCase.id.in_(ended_long_ago))),
            ChildCase.id.in_(holding)).order_by(ChildCase.id)))


def redact_free_text(case: ChildCase) -> None:
    """Replace the free text that may name the child by the erased marker."""
    if case.needs:
        case.needs = ERASED
    for note in case.notes:
        note.text = ERASED
    for follow_up in case.follow_ups:
        if follow_up.note:
            follow_up.note = ERASED
    for event in case.events:
        if event.note:
            event.note = ERASED


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
        redact_free_text(case)
        case.identity_erased_at = utcnow()
        case.adult_name_to_review = False
        add_event(case, None, "identity_erased")
        record("programme.identity_erased", obj=case, code=case.code)
    db.session.flush()
    return report
