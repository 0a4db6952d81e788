"""The partnerships' figures for the embassy's dashboard: aggregate queries only."""

from datetime import datetime

from sqlalchemy import extract, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..organisations.models import Organisation
from .models import Partnership, PartnershipStatus

Month = tuple[int, int]
ENDED = (PartnershipStatus.TERMINATED,)


def partnerships_by_month(start: datetime, end: datetime) -> dict[Month, int]:
    """Partnerships opened per month, ``start`` <= created_at < ``end``."""
    year, month = extract("year", Partnership.created_at), extract("month",
                                                                      Partnership.created_at)
    rows = db.session.execute(
        select(year, month, func.count())
        .where(Partnership.created_at >= start, Partnership.created_at < end)
        .group_by(year, month))
    return {(int(y), int(m)): count for y, m, count in rows}


def partnerships_between_regions() -> list[tuple[str, str, int]]:
    """(Ukrainian region, Kazakh region, partnerships) for every partnership not terminated."""
    ukrainian, kazakh = aliased(Organisation), aliased(Organisation)
    rows = db.session.execute(
        select(ukrainian.region, kazakh.region, func.count())
        .select_from(Partnership)
        .join(ukrainian, ukrainian.id == Partnership.ukrainian_organisation_id)
        .join(kazakh, kazakh.id == Partnership.kazakh_organisation_id)
        .where(Partnership.status.not_in(ENDED))
        .group_by(ukrainian.region, kazakh.region))
    return [(ua, kz, count) for ua, kz, count in rows]
