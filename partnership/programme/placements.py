"""Placing a child in a group, never over capacity, also when coordinators place at once.

The seat is taken by one conditional update (``placed_count = placed_count + 1 WHERE
placed_count < capacity``): SQLite serialises writers; PostgreSQL locks the row and re-checks
the condition under READ COMMITTED. The CHECK constraint is the last line of defence.
Two coordinators placing the same child at once meet the unique index on open placements:
the second is told so (a ServiceError; the caller rolls back), never a 500.
"""

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..core.access import NotVisible
from ..core.audit import record
from ..core.database import utcnow
from ..core.services import ServiceError
from ..extensions import db
from . import workflow
from .access import require_coordinator
from .cases import _enter, facts, refusal_message
from .models import CaseState, Centre, ChildCase, Group, Placement
from .timeline import add_event


class GroupFull(ServiceError):
    """The group has no free place left."""


def open_groups(actor: User) -> list[Group]:
    """Groups a child can be placed in: of active centres, not yet ended."""
    require_coordinator(actor)
    return list(db.session.scalars(
        select(Group).join(Centre).where(Centre.active.is_(True),
                                         Group.ends_on >= utcnow().date())
        .order_by(Group.starts_on, Group.id)))


def take_seat(group_id: int) -> bool:
    """Take one seat in the group, atomically; False when it is full."""
    result = db.session.execute(
        update(Group).where(Group.id == group_id, Group.placed_count < Group.capacity)
        .values(placed_count=Group.placed_count + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def place_child(actor: User, case: ChildCase, group_id: int) -> Placement:
    """Place the child in a group: needs consent to participation and to sharing with the
    centre; the case moves to placement_matched."""
    require_coordinator(actor)
    group = db.session.get(Group, group_id)
    if group is None or not group.centre.active:
        raise NotVisible()
    if case.state not in (CaseState.ASSESSMENT, CaseState.PLACEMENT_MATCHED):
        raise ServiceError(_("A child is placed after the assessment."), "group_id")
    problems = [code for code in workflow.refusals(CaseState.ASSESSMENT,
                                                   CaseState.PLACEMENT_MATCHED, facts(case))]
    if problems:
        raise ServiceError(refusal_message(problems[0]), "group_id")
    if group.ends_on < utcnow().date():
        raise ServiceError(_("This group has already ended."), "group_id")
    current = case.current_placement
    if current is not None and current.group_id == group.id:
        raise ServiceError(_("The child is already placed in this group."), "group_id")
    try:
        if not take_seat(group.id):
            raise GroupFull(_("The group is full: choose another group."), "group_id")
        if current is not None:
            from .cases import end_placement

            end_placement(case)
        placement = Placement(case=case, group_id=group.id, placed_at=utcnow(),
                              placed_by_id=actor.id)
        db.session.add(placement)
        db.session.flush()
    except IntegrityError:
        # Another coordinator placed (or moved) this child at the same moment.
        raise ServiceError(_("The child was placed meanwhile by another coordinator: open the "
                             "case again to see where."), "group_id") from None
    db.session.expire(group, ["placed_count"])
    add_event(case, actor, "placed", group_id=group.id)
    record("programme.placed", actor=actor, obj=case, code=case.code, group_id=group.id)
    if case.state != CaseState.PLACEMENT_MATCHED:
        _enter(actor, case, CaseState.PLACEMENT_MATCHED)
    return placement
