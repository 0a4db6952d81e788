"""Follow-ups 1, 3 and 6 months after a child completes the programme."""

import calendar
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..core.access import NotVisible
from ..core.audit import record
from ..core.database import utcnow
from ..core.services import ServiceError
from ..extensions import db
from .access import require_coordinator
from .models import CaseState, ChildCase, FollowUp
from .timeline import add_event

MONTHS = (1, 3, 6)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule_follow_ups(case: ChildCase) -> None:
    """Add the 1, 3 and 6-month follow-ups of a completed case (once)."""
    done = {f.months for f in case.follow_ups}
    completed = (case.completed_at or utcnow()).date()
    for months in MONTHS:
        if months not in done:
            case.follow_ups.append(FollowUp(months=months, due_on=add_months(completed, months)))


def due_list(actor: User, within_days: int = 30) -> list[FollowUp]:
    """Open follow-ups of cases still going (not closed, not withdrawn), overdue first."""
    require_coordinator(actor)
    from datetime import timedelta

    horizon = utcnow().date() + timedelta(days=within_days)
    return list(db.session.scalars(
        select(FollowUp).join(ChildCase).options(joinedload(FollowUp.case))
        .where(FollowUp.done_at.is_(None), FollowUp.due_on <= horizon,
               ChildCase.closed_at.is_(None),
               ChildCase.state.not_in([CaseState.WITHDRAWN, CaseState.CONSENT_WITHDRAWN]))
        .order_by(FollowUp.due_on, FollowUp.id)))


def complete_follow_up(actor: User, follow_up_id: int, note: str) -> FollowUp:
    """Mark a follow-up as done, with what was found."""
    require_coordinator(actor)
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotVisible()
    if follow_up.done_at is not None:
        raise ServiceError(_("This follow-up is already done."))
    follow_up.done_at, follow_up.note = utcnow(), note.strip()
    add_event(follow_up.case, actor, "follow_up_done", months=follow_up.months)
    record("programme.follow_up_done", actor=actor, obj=follow_up.case,
           code=follow_up.case.code, months=follow_up.months)
    return follow_up
