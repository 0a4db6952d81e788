"""A case's timeline: every step of a child's case, in order (states, consents, notes ...)."""

from ..auth.models import User
from ..core.database import utcnow
from ..core.events import ChildCaseChanged, emit
from ..extensions import db
from .models import CaseEvent, ChildCase


def add_event(case: ChildCase, actor: User | None, kind: str, *, from_state=None,
              to_state=None, note: str = "", **details) -> CaseEvent:
    """Add a step to the case's timeline."""
    event = CaseEvent(case=case, at=utcnow(), actor_id=getattr(actor, "id", None), kind=kind,
                      from_state=None if from_state is None else str(from_state),
                      to_state=None if to_state is None else str(to_state),
                      note=note.strip(), details=details)
    db.session.add(event)
    # The domain event names the case by its code only: never who the child is.
    emit(ChildCaseChanged(case_code=case.code, change=kind, state=str(case.state),
                          actor_id=getattr(actor, "id", None)))
    return event
