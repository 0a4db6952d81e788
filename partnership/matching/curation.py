"""The embassy's view of all proposals, filtered."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from ..auth.models import User
from ..core.access import require_role
from ..core.roles import EMBASSY_ROLES
from ..core.sorting import SortOrder, lifecycle_order, sort_statement
from ..extensions import db
from ..organisations.models import Direction, Item, Organisation
from ..organisations.ordering import name_in
from .models import Match, MatchStatus


@dataclass
class CurationFilter:
    country: str = ""     # country of the organisation with the need
    region: str = ""      # region of either organisation
    area: str = ""        # area of the need
    status: str = ""
    min_score: float = 0.0


NEED_ORGANISATION, OFFER_ORGANISATION = aliased(Organisation), aliased(Organisation)
BEST_FIRST = SortOrder("score", descending=True)


def curation_sorts(language: str) -> dict:
    """The columns the embassy's proposals sort by (``?sort=``): the organisations' names in
    ``language``, the score, the status in the order of its lifecycle."""
    return {"need": (name_in(language, NEED_ORGANISATION),),
            "offer": (name_in(language, OFFER_ORGANISATION),),
            "score": (Match.score,),
            "status": (lifecycle_order(Match.status, list(MatchStatus)),)}


def curation_page(actor: User, filters: CurationFilter, page: int, per_page: int = 25,
                  sort: SortOrder = BEST_FIRST, language: str = "uk"):
    """A page of matches for the embassy, best first unless another order is asked (fixed
    number of queries)."""
    require_role(actor, *EMBASSY_ROLES)
    need_org, offer_org, need = NEED_ORGANISATION, OFFER_ORGANISATION, aliased(Item)
    statement = select(Match).options(joinedload(Match.need), joinedload(Match.offer),
                                      joinedload(Match.need_organisation),
                                      joinedload(Match.offer_organisation))
    # Joined only when a filter or the order needs them: with 150,000 proposals, the three
    # joins made the unfiltered first page (the one every officer opens) ten times slower.
    if filters.country in ("UA", "KZ") or filters.region or sort.column == "need":
        statement = statement.join(need_org, Match.need_organisation_id == need_org.id)
    if filters.region or sort.column == "offer":
        statement = statement.join(offer_org, Match.offer_organisation_id == offer_org.id)
    if filters.area:
        statement = statement.join(need, Match.need_id == need.id)
    if filters.country in ("UA", "KZ"):
        statement = statement.where(need_org.country == filters.country)
    if filters.region:
        statement = statement.where((need_org.region == filters.region)
                                    | (offer_org.region == filters.region))
    if filters.area:
        statement = statement.where(need.area == filters.area)
    if filters.status in MatchStatus.__members__.values():
        statement = statement.where(Match.status == MatchStatus(filters.status))
    if filters.min_score:
        statement = statement.where(Match.score >= filters.min_score)
    statement = sort_statement(statement, sort, curation_sorts(language), Match.id)
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def offers_for_manual(need: Item) -> list[Item]:
    """Current offers of the other country in the need's area or related areas."""
    from ..organisations.models import Country, ItemStatus, Status
    from ..organisations.taxonomy import related_areas

    other = Country.KZ if need.organisation.country == Country.UA else Country.UA
    return list(db.session.scalars(
        select(Item).join(Organisation, Item.organisation_id == Organisation.id)
        .where(Item.direction == Direction.OFFER, Item.status == ItemStatus.ACTIVE,
               Organisation.status == Status.VERIFIED, Organisation.country == other,
               Item.area.in_({need.area} | set(related_areas(need.area))))
        .options(joinedload(Item.organisation)).order_by(Item.area, Item.id).limit(500)))
