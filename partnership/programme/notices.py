"""Who in the programme hears of a case, always by its code only: the centre where a child is
placed, and the coordinators when a follow-up is due."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..core.database import utcnow
from ..extensions import db
from ..notifications.services import notify
from .cases import centre_staff, coordinators
from .models import CaseState, ChildCase, FollowUp
from .work import expiring_consents

FOLLOW_UP_NOTICE = timedelta(days=7)


def tell_of_placement(case_code: str, actor_id: int | None) -> None:
    """The staff of the centre the child was placed at: the case code, the group, its start."""
    case = db.session.scalar(select(ChildCase).where(ChildCase.code == case_code))
    placement = case.current_placement if case is not None else None
    if placement is None:
        return
    group = placement.group
    notify(centre_staff(group.centre_id), "child_placed",
           {"code": case.code, "group": group.name, "starts": group.starts_on.isoformat()},
           endpoint="programme.my_centre", actor_id=actor_id)


def tell_of_follow_ups_due(today=None) -> int:
    """Tell the coordinators of each open follow-up due within a week (or overdue), once per
    follow-up (run daily). Returns how many follow-ups were told."""
    today = today or utcnow().date()
    due = db.session.scalars(
        select(FollowUp).join(ChildCase).options(joinedload(FollowUp.case))
        .where(FollowUp.done_at.is_(None), FollowUp.due_on <= today + FOLLOW_UP_NOTICE,
               ChildCase.closed_at.is_(None),
               ChildCase.state.not_in([CaseState.WITHDRAWN, CaseState.CONSENT_WITHDRAWN]))
        .order_by(FollowUp.due_on, FollowUp.id)).all()
    people = coordinators()
    for follow_up in due:
        notify(people, "follow_up_due",
               {"code": follow_up.case.code, "months": follow_up.months,
                "due": follow_up.due_on.isoformat()},
               endpoint="programme.follow_ups", key=f"follow_up_due:{follow_up.id}")
    return len(due)


def tell_of_consents_expiring(today=None) -> int:
    """Tell the coordinators of each consent that expires within 30 days or has expired (not
    renewed, case still going), once per consent and end date (run daily), by case code only.
    Returns how many consents were told of."""
    today = today or utcnow().date()
    found = expiring_consents(today)
    people = coordinators()
    for consent_id, code, valid_until in found:
        kind = "consent_expired" if valid_until < today else "consent_expiring"
        notify(people, kind, {"code": code, "until": valid_until.isoformat()},
               endpoint="programme.cases_list", key=f"{kind}:{consent_id}:{valid_until}")
    return len(found)
