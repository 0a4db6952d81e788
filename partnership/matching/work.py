"""What waits in matching, for "My work": one aggregate query per question, each answering
(how many, the oldest, the id when there is exactly one)."""

from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select, union_all

from ..auth.seen import PROPOSALS, SeenMark
from ..extensions import db
from .models import Match, MatchStatus

_NEVER = datetime(2000, 1, 1, tzinfo=UTC)


def _one(statement) -> tuple:
    count, when, single = db.session.execute(statement).one()
    return count or 0, when, single


def _aggregate(*conditions, when=Match.created_at):
    return select(func.count(Match.id), func.min(when), func.max(Match.id)).where(*conditions)


def new_proposals(user_id: int, organisation_id: int) -> tuple:
    """The organisation's proposals made since the user last opened the proposals page.
    Each side is read through its own index (need side, offer side) and the two are added up
    in the same statement: an OR of the two made SQLite scan every proposal."""
    last_visit = func.coalesce(
        select(SeenMark.seen_at).where(SeenMark.user_id == user_id, SeenMark.topic == PROPOSALS,
                                       SeenMark.subject_id == 0).scalar_subquery(), _NEVER)
    sides = union_all(*(
        select(Match.id.label("id"), Match.created_at.label("at"))
        .where(side == organisation_id, Match.status == MatchStatus.PROPOSED,
               Match.created_at > last_visit)
        for side in (Match.need_organisation_id, Match.offer_organisation_id))).subquery()
    return _one(select(func.count(sides.c.id), func.min(sides.c.at), func.max(sides.c.id)))


def interest_waiting(organisation_id: int) -> tuple:
    """Proposals where the other side said it is interested and this side has not answered."""
    return _one(_aggregate(
        or_(and_(Match.need_organisation_id == organisation_id,
                 Match.status == MatchStatus.INTEREST_OFFER),
            and_(Match.offer_organisation_id == organisation_id,
                 Match.status == MatchStatus.INTEREST_NEED)),
        when=Match.updated_at))


def mutual_to_vet() -> tuple:
    """Proposals both sides accepted, waiting for the embassy to vet them."""
    return _one(_aggregate(Match.status == MatchStatus.MUTUALLY_ACCEPTED, when=Match.updated_at))

