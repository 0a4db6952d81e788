"""Partnership operations: start from a vetted match, see, describe, move through its life."""

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..core.access import NotVisible, require_role
from ..core.audit import record
from ..core.database import utcnow
from ..core.events import PartnershipOpened, emit
from ..core.roles import EMBASSY_ROLES, ORG_ROLES, Role
from ..core.services import ServiceError
from ..core.sorting import SortOrder, lifecycle_order, sort_statement
from ..extensions import db
from ..matching import decisions
from ..matching.models import Match
from ..organisations import access
from ..organisations.models import Country
from ..organisations.ordering import alias, name_in
from . import workflow
from .models import Partnership, PartnershipEvent, PartnershipStatus


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
        Partnership.status.not_in(workflow.ENDED)))
    if found is not None:
        record("partnership.match_added", actor=actor, obj=found, match_id=match.id)
        return found
    partnership = workflow.start(actor, Partnership(
        reference="pending", ukrainian_organisation_id=ua.id, kazakh_organisation_id=kz.id))
    db.session.add(partnership)
    db.session.flush()
    partnership.reference = _reference(partnership.id)
    record("partnership.created", actor=actor, obj=partnership, match_id=match.id)
    emit(PartnershipOpened(partnership_id=partnership.id, actor_id=actor.id))
    return partnership


def vet_match(actor: User, match: Match) -> Partnership:
    """The embassy vets a mutually accepted match: it starts (or joins) a partnership."""
    decisions.vet(actor, match)
    partnership = partnership_for_match(actor, match)
    match.partnership_id = partnership.id
    return partnership


def can_view(actor: User, partnership: Partnership) -> bool:
    if access.is_embassy(actor):
        return True
    return bool(actor.is_authenticated and actor.role in ORG_ROLES
                and actor.organisation_id in (partnership.ukrainian_organisation_id,
                                              partnership.kazakh_organisation_id))


def get_partnership(actor: User, partnership_id: int) -> Partnership:
    """The partnership with its parties, history and matches, if the actor may see it."""
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
        require_role(actor, *EMBASSY_ROLES)
    else:
        statement = statement.where(or_(Partnership.ukrainian_organisation_id == organisation_id,
                                        Partnership.kazakh_organisation_id == organisation_id))
    return list(db.session.scalars(statement.order_by(Partnership.id.desc())))


PAGE_SIZE = 25


def embassy_sorts(language: str, ukrainian, kazakh) -> dict:
    """The columns the embassy's list of partnerships sorts by (``?sort=``)."""
    return {"reference": (Partnership.reference,),
            "ukrainian": (name_in(language, ukrainian),),
            "kazakh": (name_in(language, kazakh),),
            "status": (lifecycle_order(Partnership.status, list(PartnershipStatus)),),
            "updated": (Partnership.updated_at,)}


SORT_COLUMNS = ("reference", "ukrainian", "kazakh", "status", "updated")
LATEST_FIRST = SortOrder("updated", descending=True)


def embassy_page(actor: User, page: int, sort: SortOrder = LATEST_FIRST,
                 language: str = "uk"):
    """A page of every partnership for the embassy, in the order asked (the latest changed
    first by default)."""
    require_role(actor, *EMBASSY_ROLES)
    ukrainian, kazakh = alias(), alias()
    statement = (select(Partnership)
                 .join(ukrainian, ukrainian.id == Partnership.ukrainian_organisation_id)
                 .join(kazakh, kazakh.id == Partnership.kazakh_organisation_id)
                 .options(joinedload(Partnership.ukrainian_organisation),
                          joinedload(Partnership.kazakh_organisation)))
    statement = sort_statement(statement, sort, embassy_sorts(language, ukrainian, kazakh),
                               Partnership.id)
    return db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)


def can_edit_objectives(actor: User, partnership: Partnership) -> bool:
    return access.is_embassy(actor) or bool(
        actor.role == Role.ORG_MANAGER and actor.organisation_id in (
            partnership.ukrainian_organisation_id, partnership.kazakh_organisation_id))


def update_objectives(actor: User, partnership: Partnership, objectives: str) -> None:
    """The partners (managers) and the embassy write down what they want to achieve."""
    if not can_edit_objectives(actor, partnership):
        raise NotVisible()
    if partnership.objectives != objectives.strip():
        partnership.objectives = objectives.strip()
        record("partnership.objectives", actor=actor, obj=partnership)


def can_change_status(actor: User, partnership: Partnership) -> bool:
    """The embassy moves a partnership along its table, while a move is left from its status
    (the page's status form, and ``change_status``'s guard)."""
    return (actor.is_authenticated and actor.role in EMBASSY_ROLES
            and bool(workflow.TRANSITIONS[partnership.status]))


def change_status(actor: User, partnership: Partnership, target: str, note: str) -> None:
    """Move the partnership along its table (embassy); the step joins the history."""
    require_role(actor, *EMBASSY_ROLES)
    if not can_change_status(actor, partnership):
        raise ServiceError(_("A partnership cannot move from this status to that one."))
    workflow.move(actor, partnership, target, note)


def counts(actor: User) -> dict[str, int]:
    require_role(actor, *EMBASSY_ROLES)
    return {str(s): c for s, c in db.session.execute(
        select(Partnership.status, func.count(Partnership.id)).group_by(Partnership.status))}
