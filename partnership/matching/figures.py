"""The matching figures for the embassy's dashboard: the first steps of the partnership funnel
and supply and demand by area of medicine. Aggregate queries only: their number does not grow
with the data."""

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Select, and_, case, func, select

from ..extensions import db
from ..organisations.models import Direction, Item, ItemStatus
from .models import Match


class MatchSteps(NamedTuple):
    """One proposal that got further than "proposed": when it reached each step."""

    created_at: datetime
    interest_at: datetime | None
    mutual_at: datetime | None
    vetted_at: datetime | None
    partnership_id: int | None


def _cohort(start: datetime, end: datetime):
    return and_(Match.created_at >= start, Match.created_at < end)


def funnel_counts(start: datetime, end: datetime) -> dict[str, int]:
    """Of the proposals made in the period: how many there are, and how many reached
    interest, mutual interest and vetting (whatever happened to them since)."""
    row = db.session.execute(
        select(func.count(), func.count(Match.interest_at), func.count(Match.mutual_at),
               func.count(Match.vetted_at))
        .where(_cohort(start, end))).one()
    return dict(zip(("proposed", "interest", "mutual", "vetted"), row, strict=True))


def funnel_steps(start: datetime, end: datetime) -> list[MatchSteps]:
    """The times of the proposals of the period that reached at least interest (for the
    median days of each step)."""
    rows = db.session.execute(
        select(Match.created_at, Match.interest_at, Match.mutual_at, Match.vetted_at,
               Match.partnership_id)
        .where(_cohort(start, end), Match.interest_at.is_not(None)))
    return [MatchSteps(*row) for row in rows]


def cohort_partnerships(start: datetime, end: datetime) -> Select:
    """The ids of the partnerships the period's vetted proposals joined (a subquery)."""
    return (select(Match.partnership_id)
            .where(_cohort(start, end), Match.vetted_at.is_not(None),
                   Match.partnership_id.is_not(None))
            .distinct())


class AreaBalance(NamedTuple):
    """Current needs and offers of one area of medicine, and those no proposal pairs."""

    area: str
    needs: int
    offers: int
    unmet_needs: int       # needs for which matching found no offer at all
    unneeded_offers: int   # offers that no need was paired with


def supply_and_demand(today: date) -> list[AreaBalance]:
    """Per area: current needs and offers, and those with no proposal at all (any state)."""
    # "IN (subquery)": both databases build the set of paired items once (SQLite a transient
    # index, PostgreSQL a hashed subplan), where a correlated EXISTS probed it per item.
    unpaired_need = Item.id.not_in(select(Match.need_id))
    unpaired_offer = Item.id.not_in(select(Match.offer_id))
    is_need = Item.direction == Direction.NEED
    is_offer = Item.direction == Direction.OFFER
    rows = db.session.execute(
        select(Item.area,
               func.count(case((is_need, 1))),
               func.count(case((is_offer, 1))),
               func.count(case((and_(is_need, unpaired_need), 1))),
               func.count(case((and_(is_offer, unpaired_offer), 1))))
        .where(Item.status == ItemStatus.ACTIVE, Item.valid_until >= today)
        .group_by(Item.area))
    return [AreaBalance(*row) for row in rows]


