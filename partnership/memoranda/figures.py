"""The memoranda's figures for the embassy's dashboard: the last steps of the partnership
funnel and memoranda signed per month. Aggregate queries only."""

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Select, extract, func, select

from ..extensions import db
from ..partnerships.models import Partnership
from .models import Memorandum

Month = tuple[int, int]


class PartnershipSteps(NamedTuple):
    """When a partnership opened, and when its memorandum was first agreed and signed."""

    partnership_id: int
    opened_at: datetime
    agreed_at: datetime | None
    signed_on: date | None


def partnership_steps(partnership_ids: Select) -> list[PartnershipSteps]:
    """The steps of the partnerships whose ids the subquery selects (one query)."""
    rows = db.session.execute(
        select(Partnership.id, Partnership.created_at, func.min(Memorandum.agreed_at),
               func.min(Memorandum.signed_on))
        .outerjoin(Memorandum, Memorandum.partnership_id == Partnership.id)
        .where(Partnership.id.in_(partnership_ids))
        .group_by(Partnership.id, Partnership.created_at))
    return [PartnershipSteps(*row) for row in rows]


def signed_by_month(start: date, end: date) -> dict[Month, int]:
    """Memoranda signed per month, ``start`` <= signed_on < ``end``."""
    year, month = extract("year", Memorandum.signed_on), extract("month", Memorandum.signed_on)
    rows = db.session.execute(
        select(year, month, func.count())
        .where(Memorandum.signed_on >= start, Memorandum.signed_on < end)
        .group_by(year, month))
    return {(int(y), int(m)): count for y, m, count in rows}
