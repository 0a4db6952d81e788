"""Aggregate reports for the embassy: counts by state, region of origin, centre, group and
quarter; counts 1 to 4 are shown as "<5" so that no child can be singled out. When a breakdown
would hide only one cell, the next smallest non-zero cell is hidden too (shown as ``HIDDEN``),
so that the hidden count cannot be worked out by subtracting the others from the total."""

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..core.services import require_role
from ..extensions import db
from .access import REPORT_ROLES
from .models import CaseState, ChildCase, Group, Placement

SMALL = "<5"
HIDDEN = "x"  # a count of 5 or more hidden so that a "<5" next to it cannot be recovered


def suppress(count: int) -> int | str:
    """A count safe to publish: 0 stays 0, 1 to 4 become "<5"."""
    return SMALL if 0 < count < 5 else count


def suppress_cells(rows: list[tuple[object, int]]) -> list[tuple[object, int | str]]:
    """One breakdown made safe: counts 1 to 4 become "<5"; if exactly one cell is hidden (or
    the hidden cells are all 1s or all 4s, which their sum would give away), the next smallest
    non-zero cell is hidden as well (``HIDDEN``)."""
    small = [n for _key, n in rows if 0 < n < 5]
    complement = None
    if len(small) == 1 or (small and sum(small) in (len(small), 4 * len(small))):
        others = [(n, i) for i, (_key, n) in enumerate(rows) if n >= 5]
        if others:
            complement = min(others)[1]
    return [(key, HIDDEN if i == complement else suppress(n))
            for i, (key, n) in enumerate(rows)]


def _quarter(case: ChildCase) -> str:
    at = case.created_at
    return f"{at.year}-Q{(at.month - 1) // 3 + 1}"


def programme_report(actor: User) -> dict[str, list[tuple[object, int | str]]]:
    """Suppressed counts of cases by state, region of origin and referral quarter, and of
    children placed now by centre and by group."""
    require_role(actor, *REPORT_ROLES)
    cases = list(db.session.scalars(select(ChildCase)))
    placements = list(db.session.scalars(
        select(Placement).where(Placement.ended_at.is_(None))
        .options(joinedload(Placement.group).joinedload(Group.centre))))
    states = Counter(str(case.state) for case in cases)
    by_state = suppress_cells([(str(state), states.get(str(state), 0)) for state in CaseState])
    by_region = sorted(Counter(case.region for case in cases).items())
    by_quarter = sorted(Counter(_quarter(case) for case in cases).items())
    centres = Counter(p.group.centre for p in placements)
    groups = Counter(p.group for p in placements)
    return {
        "state": by_state,
        "region": suppress_cells(by_region),
        "quarter": suppress_cells(by_quarter),
        "centre": suppress_cells(sorted(centres.items(), key=lambda item: item[0].id)),
        "group": suppress_cells(sorted(groups.items(), key=lambda item: item[0].id)),
        "total": [("total", suppress(len(cases)))],
    }
