"""What waits in the programme, for "My work": one aggregate query per question, answering
(how many, the oldest or soonest, the id when there is exactly one). Case codes only: nothing
here reads a child's identity."""

from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from ..core.database import utcnow
from ..extensions import db
from .models import (
    CaseState,
    Centre,
    ChildCase,
    Consent,
    FollowUp,
    Group,
    Placement,
    ProgressNote,
)

GROUP_HORIZON_DAYS = 30
CONSENT_HORIZON_DAYS = 30
NOTE_INTERVAL_DAYS = 14
ARRIVING = (CaseState.PLACEMENT_MATCHED, CaseState.TRAVEL_READY)
CODES_SHOWN = 10


def _one(statement) -> tuple:
    count, when, single = db.session.execute(statement).one()
    return count or 0, when, single


def _cases(*conditions, when=ChildCase.created_at) -> tuple:
    return _one(select(func.count(ChildCase.id), func.min(when), func.max(ChildCase.id))
                .where(*conditions))


def referrals_to_assess() -> tuple:
    """Cases referred and not yet taken up by the coordinator (oldest referral first)."""
    return _cases(ChildCase.state == CaseState.REFERRED)


def consents_withdrawn() -> tuple:
    """Cases stopped by a withdrawn consent and not yet closed."""
    return _cases(ChildCase.state == CaseState.CONSENT_WITHDRAWN, ChildCase.closed_at.is_(None),
                  when=ChildCase.updated_at)


def _consent_expiring_conditions(today: date, horizon_days: int):
    """Consents not withdrawn that end within ``horizon_days`` (or have ended), of cases still
    going, and not renewed: no later consent of the case (not withdrawn) holds beyond the
    horizon."""
    horizon = today + timedelta(days=horizon_days)
    later = aliased(Consent)
    renewed = (select(later.id)
               .where(later.case_id == Consent.case_id, later.id != Consent.id,
                      later.withdrawn_at.is_(None), later.recorded_at >= Consent.recorded_at,
                      or_(later.valid_until.is_(None), later.valid_until > horizon))
               .correlate(Consent).exists())
    return (Consent.withdrawn_at.is_(None), Consent.valid_until.is_not(None),
            Consent.valid_until <= horizon, ChildCase.closed_at.is_(None),
            ChildCase.state.not_in([CaseState.WITHDRAWN, CaseState.CONSENT_WITHDRAWN]),
            ~renewed)


def consents_expiring(today: date | None = None) -> tuple:
    """Consents expiring within 30 days or expired, not renewed, of cases still going (the
    soonest date first), in one query."""
    today = today or utcnow().date()
    return _one(select(func.count(Consent.id), func.min(Consent.valid_until),
                       func.max(Consent.case_id))
                .join(ChildCase, ChildCase.id == Consent.case_id)
                .where(*_consent_expiring_conditions(today, CONSENT_HORIZON_DAYS)))


def expiring_consents(today: date | None = None) -> list[tuple[int, str, date]]:
    """(consent id, case code, valid until) of each consent ``consents_expiring`` counts, for
    the daily reminder (codes only)."""
    today = today or utcnow().date()
    return [tuple(row) for row in db.session.execute(
        select(Consent.id, ChildCase.code, Consent.valid_until)
        .join(ChildCase, ChildCase.id == Consent.case_id)
        .where(*_consent_expiring_conditions(today, CONSENT_HORIZON_DAYS))
        .order_by(Consent.valid_until, Consent.id))]


def adults_to_review() -> tuple:
    """Cases whose accompanying adult's name the coordinator must split."""
    return _cases(ChildCase.adult_name_to_review.is_(True), when=ChildCase.updated_at)


def follow_ups_due(today: date | None = None) -> tuple:
    """Follow-ups due today or overdue, of cases still going (soonest first)."""
    today = today or utcnow().date()
    return _one(select(func.count(FollowUp.id), func.min(FollowUp.due_on),
                       func.max(FollowUp.case_id))
                .join(ChildCase, ChildCase.id == FollowUp.case_id)
                .where(FollowUp.done_at.is_(None), FollowUp.due_on <= today,
                       ChildCase.closed_at.is_(None),
                       ChildCase.state.not_in([CaseState.WITHDRAWN,
                                               CaseState.CONSENT_WITHDRAWN])))


def groups_with_free_places(today: date | None = None) -> tuple:
    """Groups of active centres starting within 30 days that still have free places."""
    today = today or utcnow().date()
    return _one(select(func.count(Group.id), func.min(Group.starts_on), func.max(Group.id))
                .join(Centre, Centre.id == Group.centre_id)
                .where(Centre.active.is_(True), Group.starts_on >= today,
                       Group.starts_on <= today + timedelta(days=GROUP_HORIZON_DAYS),
                       Group.placed_count < Group.capacity))


def _centre_placements(organisation_id: int):
    """The conditions of a current placement in the centre's groups whose case consents to
    sharing with it (the children its staff see, as on "My centre's children")."""
    sharing = select(Consent.case_id).where(Consent.sharing_with_centre.is_(True),
                                            *Consent.holding(utcnow().date()))
    return (Centre.organisation_id == organisation_id, Centre.active.is_(True),
            Placement.ended_at.is_(None), Placement.case_id.in_(sharing))


def children_arriving(organisation_id: int) -> tuple:
    """The centre's children placed but not yet in the programme: (count, the soonest group
    start, the case id when one, their case codes), in one query."""
    rows = db.session.execute(
        select(ChildCase.code, ChildCase.id, func.count().over(), func.min(Group.starts_on).over())
        .select_from(Placement).join(Group, Group.id == Placement.group_id)
        .join(Centre, Centre.id == Group.centre_id)
        .join(ChildCase, ChildCase.id == Placement.case_id)
        .where(*_centre_placements(organisation_id), ChildCase.state.in_(ARRIVING))
        .order_by(Group.starts_on, ChildCase.code).limit(CODES_SHOWN)).all()
    if not rows:
        return 0, None, None, []
    count, soonest = rows[0][2], rows[0][3]
    return count, soonest, rows[0][1] if count == 1 else None, [row[0] for row in rows]


def notes_due(organisation_id: int, now=None) -> tuple:
    """The centre's children in the programme with no progress note for 14 days."""
    cutoff = (now or utcnow()) - timedelta(days=NOTE_INTERVAL_DAYS)
    recent_note = (select(ProgressNote.id)
                   .where(ProgressNote.case_id == ChildCase.id, ProgressNote.at >= cutoff)
                   .correlate(ChildCase).exists())
    return _one(select(func.count(ChildCase.id), func.min(Placement.placed_at),
                       func.max(ChildCase.id))
                .select_from(Placement).join(Group, Group.id == Placement.group_id)
                .join(Centre, Centre.id == Group.centre_id)
                .join(ChildCase, ChildCase.id == Placement.case_id)
                .where(*_centre_placements(organisation_id),
                       ChildCase.state == CaseState.IN_PROGRAMME,
                       Placement.placed_at < cutoff, ~recent_note))
