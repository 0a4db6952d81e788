"""The centre staff's side: the children placed now in their own centre's groups, with the
minimum data, and the progress notes they write. Everyone else gets 404 on these pages."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..core.access import NotVisible
from ..core.audit import record
from ..core.database import utcnow
from ..core.services import ServiceError
from ..extensions import db
from .access import is_centre_staff
from .identity import CentreCard, centre_card
from .models import Centre, ChildCase, Consent, Group, Placement, ProgressNote
from .timeline import add_event


def _shared_placements(actor: User):
    """Current placements in the actor's centre whose case consents to sharing with it."""
    sharing = select(Consent.case_id).where(Consent.sharing_with_centre.is_(True),
                                            *Consent.holding(utcnow().date()))
    return (select(Placement).join(Group).join(Centre)
            .where(Centre.organisation_id == actor.organisation_id, Centre.active.is_(True),
                   Placement.ended_at.is_(None), Placement.case_id.in_(sharing)))


def my_children(actor: User) -> list[Placement]:
    """The centre staff member's children: placement, group and case (no identity)."""
    if not is_centre_staff(actor):
        raise NotVisible()
    return list(db.session.scalars(
        _shared_placements(actor).options(joinedload(Placement.group),
                                          joinedload(Placement.case))
        .order_by(Group.starts_on, Placement.id)))


def placement_for(actor: User, case_id: int) -> Placement:
    """The current placement of one of the actor's children, or 404."""
    if not is_centre_staff(actor):
        raise NotVisible()
    placement = db.session.scalar(
        _shared_placements(actor).where(Placement.case_id == case_id)
        .options(joinedload(Placement.group),
                 joinedload(Placement.case).selectinload(ChildCase.notes)
                 .joinedload(ProgressNote.author)))
    if placement is None:
        raise NotVisible()
    return placement


@dataclass(frozen=True)
class ChildSummary:
    """All a centre sees of a child."""

    case_id: int
    code: str
    first_name: str
    age: int
    needs: str
    languages: list[str]
    group: Group
    accompanying_adult: str
    accompanying_adult_relation: str
    notes: list[ProgressNote]


def notes_for_centre(placement: Placement) -> list[ProgressNote]:
    """The progress notes written while the child was placed at this placement's centre: not
    those of a previous centre (nor those written between placements)."""
    centre_id = placement.group.centre_id
    now = utcnow()
    periods = [(p.placed_at, p.ended_at or now) for p in db.session.scalars(
        select(Placement).join(Group).where(Placement.case_id == placement.case_id,
                                            Group.centre_id == centre_id))]
    return [note for note in placement.case.notes
            if any(start <= note.at <= end for start, end in periods)]


def child_summary(actor: User, case_id: int) -> ChildSummary:
    placement = placement_for(actor, case_id)
    case = placement.case
    card: CentreCard = centre_card(actor, case)
    return ChildSummary(case.id, case.code, card.first_name, utcnow().year - case.birth_year,
                        case.needs, list(case.languages), placement.group,
                        card.accompanying_adult_name, case.accompanying_adult_relation,
                        notes_for_centre(placement))


def add_progress_note(actor: User, case_id: int, text: str) -> ProgressNote:
    """A centre staff member notes how the child is doing."""
    placement = placement_for(actor, case_id)
    if not text.strip():
        raise ServiceError(_("Write the note first."), "text")
    note = ProgressNote(case_id=placement.case_id, author_id=actor.id, text=text.strip(),
                        at=utcnow())
    db.session.add(note)
    db.session.flush()
    add_event(placement.case, actor, "progress_note", note_id=note.id)
    record("programme.progress_note", actor=actor, obj=placement.case,
           code=placement.case.code, note_id=note.id)
    return note

