"""Partnership operations: start from a vetted match, see, describe, move through its life."""

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..core.database import utcnow
from ..core.events import PartnershipOpened, PartnershipStatusChanged, emit
from ..core.services import NotVisible, ServiceError, record, require_role
from ..extensions import db
from ..organisations import access
from ..organisations.models import Country
from . import workflow
from .models import Partnership, PartnershipEvent, PartnershipStatus

ENDED = (PartnershipStatus.COMPLETED, PartnershipStatus.TERMINATED)


def _reference(partnership_id: int) -> str:
    return f"UA-KZ-{utcnow().year}-{partnership_id:04d}"


def partnership_for_match(actor: User, match) -> Partnership:
    """The two organisations' ongoing partnership, or a new one in state forming."""
    ua, kz = ((match.need_organisation, match.offer_organisation)
              if match.need_organisation.country == Country.UA
              else (match.offer_organisation, match.need_organisation))
    found = db.session.scalar(select(Partnership).where(
        Partnership.ukrainian_organisation_id == ua.id,
        Partnership.kazakh_organisation_id == kz.id,
        Partnership.status.not_in(ENDED)))
    if found is not None:
        record("partnership.match_added", actor=actor, obj=found, match_id=match.id)
        return found
    partnership = Partnership(reference="pending", ukrainian_organisation_id=ua.id,
                              kazakh_organisation_id=kz.id, status=PartnershipStatus.FORMING,
                              created_at=utcnow())
    db.session.add(partnership)
    db.session.flush()
    partnership.reference = _reference(partnership.id)
    partnership.events.append(PartnershipEvent(actor_id=actor.id, to_status="forming"))
    record("partnership.created", actor=actor, obj=partnership, match_id=match.id)
    emit(PartnershipOpened(partnership_id=partnership.id))
    return partnership


def can_view(actor: User, partnership: Partnership) -> bool:
    if access.is_embassy(actor):
        return True
    return bool(actor.is_authenticated and actor.role in access.ORG_ROLES
                and actor.organisation_id in (partnership.ukrainian_organisation_id,
                                              partnership.kazakh_organisation_id))


def get_partnership(actor: User, partnership_id: int) -> Partnership:
    """The partnership with its parties, history and matches, if the actor may see it."""
    from ..matching.models import Match

    partnership = db.session.scalar(select(Partnership).where(Partnership.id == partnership_id)
                                    .options(joinedload(Partnership.ukrainian_organisation),
                                             joinedload(Partnership.kazakh_organisation),
                                             selectinload(Partnership.events)
                                             .joinedload(PartnershipEvent.actor)))
    if partnership is None or not can_view(actor, partnership):
        raise NotVisible()
    partnership.matches = list(db.session.scalars(
        select(Match).where(Match.partnership_id == partnership.id)
        .options(joinedload(Match.need), joinedload(Match.offer)).order_by(Match.id)))
    return partnership


def partnerships_of(actor: User, organisation_id: int | None = None) -> list[Partnership]:
    """One organisation's partnerships, or all of them for the embassy."""
    statement = select(Partnership).options(joinedload(Partnership.ukrainian_organisation),
                                            joinedload(Partnership.kazakh_organisation))
    if organisation_id is None:
        require_role(actor, *access.EMBASSY_ROLES)
    else:
        statement = statement.where(or_(Partnership.ukrainian_organisation_id == organisation_id,
                                        Partnership.kazakh_organisation_id == organisation_id))
    return list(db.session.scalars(statement.order_by(Partnership.id.desc())))


def can_edit_objectives(actor: User, partnership: Partnership) -> bool:
    return access.is_embassy(actor) or bool(
        actor.role == "org_manager" and actor.organisation_id in (
            partnership.ukrainian_organisation_id, partnership.kazakh_organisation_id))


def update_objectives(actor: User, partnership: Partnership, objectives: str) -> None:
    """The partners (managers) and the embassy write down what they want to achieve."""
    if not can_edit_objectives(actor, partnership):
        raise NotVisible()
    if partnership.objectives != objectives.strip():
        partnership.objectives = objectives.strip()
        record("partnership.objectives", actor=actor, obj=partnership)


def change_status(actor: User, partnership: Partnership, target: str, note: str) -> None:
    """Move the partnership along its table (embassy); the step joins the history."""
    require_role(actor, *access.EMBASSY_ROLES)
    try:
        target = PartnershipStatus(target)
    except ValueError:
        raise ServiceError(_("Choose a status from the list.")) from None
    if not workflow.can_move(partnership.status, target):
        raise ServiceError(_("A partnership cannot move from this status to that one."))
    before = partnership.status
    partnership.status = target
    partnership.events.append(PartnershipEvent(actor_id=actor.id, from_status=str(before),
                                               to_status=str(target), note=note.strip()))
    record("partnership.status", actor=actor, obj=partnership, before=str(before),
           after=str(target), note=note.strip())
    emit(PartnershipStatusChanged(partnership_id=partnership.id, status=str(target)))
    from ..memoranda import approvals as memorandum_approvals
    from ..memoranda import services as memoranda

    if target == PartnershipStatus.TERMINATED:
        # Terminated is final: an open memorandum (draft .. signed) ends with it, rather than
        # refusing the termination and making the embassy end each memorandum first.
        memorandum_approvals.end_with_partnership(actor, partnership, note.strip())
    elif target == PartnershipStatus.FORMING:
        # Resumed from hold: the open memorandum, if any, says where the partnership stands.
        for memorandum in memoranda.memoranda_of(partnership):
            if memorandum.state not in ("superseded", "terminated"):
                memorandum_approvals.follow(actor, memorandum)
                break


# The statuses a memorandum moves a partnership between; later ones (active, on hold,
# ended) are the embassy's to change, so a memorandum never pulls a partnership back.
MEMORANDUM_PHASE = (PartnershipStatus.FORMING, PartnershipStatus.MOU_DRAFTING,
                    PartnershipStatus.MOU_REVIEW, PartnershipStatus.MOU_AGREED,
                    PartnershipStatus.SIGNED)


def follow_memorandum(actor: User, partnership: Partnership, target: PartnershipStatus,
                      note: str) -> None:
    """Move the partnership to the status its memorandum implies, with a history entry."""
    if partnership.status == target or partnership.status not in MEMORANDUM_PHASE:
        return
    before = partnership.status
    partnership.status = target
    partnership.events.append(PartnershipEvent(actor_id=actor.id, from_status=str(before),
                                               to_status=str(target), note=note))
    record("partnership.status", actor=actor, obj=partnership, before=str(before),
           after=str(target), note=note)
    emit(PartnershipStatusChanged(partnership_id=partnership.id, status=str(target)))


def counts(actor: User) -> dict[str, int]:
    require_role(actor, *access.EMBASSY_ROLES)
    return {str(s): c for s, c in db.session.execute(
        select(Partnership.status, func.count(Partnership.id)).group_by(Partnership.status))}
