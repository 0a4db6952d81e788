"""The matching figures for the embassy's dashboard: the first steps of the partnership funnel
and supply and demand by area of medicine. Aggregate queries only: their number does not grow
with the data."""

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Select, and_, case, delete, func, insert, literal, select

from ..extensions import db
from ..organisations.models import Direction, Item, ItemStatus
from .models import AreaSupply, Match


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


def _supply_and_demand_query(today: date) -> Select:
    """Per area: current needs and offers, and those with no proposal at all (any state)."""
    # "IN (subquery)": both databases build the set of paired items once (SQLite a transient
    # index, PostgreSQL a hashed subplan), where a correlated EXISTS probed it per item.
    unpaired_need = Item.id.not_in(select(Match.need_id))
    unpaired_offer = Item.id.not_in(select(Match.offer_id))
    is_need = Item.direction == Direction.NEED
    is_offer = Item.direction == Direction.OFFER
    return (select(Item.area,
                   func.count(case((is_need, 1))),
                   func.count(case((is_offer, 1))),
                   func.count(case((and_(is_need, unpaired_need), 1))),
                   func.count(case((and_(is_offer, unpaired_offer), 1))))
            .where(Item.status == ItemStatus.ACTIVE, Item.valid_until >= today)
            .group_by(Item.area))


def supply_and_demand(today: date) -> list[AreaBalance]:
    """Per area, counted now from every current item (what ``store_supply_and_demand``
    keeps; the dashboard reads the stored rows)."""
    return [AreaBalance(*row) for row in db.session.execute(_supply_and_demand_query(today))]


def store_supply_and_demand(today: date, now: datetime) -> None:
    """Count supply and demand afresh and keep it in ``area_supply`` (one statement in the
    database, in the caller's unit of work): the matching run calls this after storing its
    proposals, the only time the pairing changes."""
    db.session.execute(delete(AreaSupply))
    counted = _supply_and_demand_query(today).add_columns(literal(now, AreaSupply.computed_at.type))
    db.session.execute(insert(AreaSupply).from_select(
        ["area", "needs", "offers", "unmet_needs", "unneeded_offers", "computed_at"], counted))


def stored_supply_and_demand() -> tuple[list[AreaBalance], datetime | None]:
    """Supply and demand as the last matching run counted it, and when (None: not yet)."""
    rows = db.session.execute(
        select(AreaSupply.area, AreaSupply.needs, AreaSupply.offers, AreaSupply.unmet_needs,
               AreaSupply.unneeded_offers, AreaSupply.computed_at)).all()
    return ([AreaBalance(*row[:5]) for row in rows],
            max((row.computed_at for row in rows), default=None))


