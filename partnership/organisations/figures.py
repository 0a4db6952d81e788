"""The organisations' figures for the embassy's dashboard: aggregate queries only (a fixed
number of queries whatever the number of organisations)."""

from datetime import datetime

from sqlalchemy import extract, func, select

from ..extensions import db
from .models import Organisation, Status

Month = tuple[int, int]  # (year, month)


def organisations_by_region() -> dict[str, int]:
    """Verified organisations per region code."""
    rows = db.session.execute(
        select(Organisation.region, func.count())
        .where(Organisation.status == Status.VERIFIED)
        .group_by(Organisation.region))
    return {region: count for region, count in rows}


def registrations_by_month(start: datetime, end: datetime) -> dict[Month, int]:
    """Organisations registered per month, ``start`` <= created_at < ``end``."""
    year, month = extract("year", Organisation.created_at), extract("month",
                                                                       Organisation.created_at)
    rows = db.session.execute(
        select(year, month, func.count())
        .where(Organisation.created_at >= start, Organisation.created_at < end)
        .group_by(year, month))
    return {(int(y), int(m)): count for y, m, count in rows}
