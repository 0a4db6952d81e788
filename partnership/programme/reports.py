"""Aggregate reports for the embassy: counts by state, region of origin, centre, group and
quarter; counts 1 to 4 are shown as "<5" so that no child can be singled out."""

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..core.services import require_role
from ..extensions import db
from .access import REPORT_ROLES
from .models import CaseState, ChildCase, Group, Placement

SMALL = "<5"


def suppress(count: int) -> int | str:
    """A count safe to publish: 0 stays 0, 1 to 4 become "<5"."""
    return SMALL if 0 < count < 5 else count


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
    by_state = [(str(state), suppress(states.get(str(state), 0))) for state in CaseState]
    by_region = sorted(Counter(case.region for case in cases).items())
    by_quarter = sorted(Counter(_quarter(case) for case in cases).items())
    centres = Counter(p.group.centre for p in placements)
    groups = Counter(p.group for p in placements)
    return {
        "state": by_state,
        "region": [(code, suppress(n)) for code, n in by_region],
        "quarter": [(quarter, suppress(n)) for quarter, n in by_quarter],
        "centre": [(centre, suppress(n)) for centre, n in
                   sorted(centres.items(), key=lambda item: item[0].id)],
        "group": [(group, suppress(n)) for group, n in
                  sorted(groups.items(), key=lambda item: item[0].id)],
        "total": [("total", suppress(len(cases)))],
    }
