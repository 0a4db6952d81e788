"""The dashboard's figures for a period, composed from each area's aggregate queries.

The number of SQL queries is fixed: one or two per area, whatever the amount of data
(``tests/functional/test_dashboard.py`` counts them at two sizes)."""

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from ..auth.models import User
from ..core.access import require_role
from ..core.roles import EMBASSY_ROLES, REPORT_ROLES
from ..matching import figures as matching_figures
from ..memoranda import figures as memoranda_figures
from ..organisations import figures as organisation_figures
from ..organisations.taxonomy import regions
from ..partnerships import figures as partnership_figures
from ..programme.reports import programme_report

STEPS = ("proposed", "interest", "mutual", "vetted", "partnership", "agreed", "signed")
ACTIVITY_MONTHS = 12

Month = tuple[int, int]


@dataclass(frozen=True)
class Period:
    """From ``first`` to ``last``, both days included."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time(), UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.last + timedelta(days=1), datetime.min.time(), UTC)


def last_quarter(today: date) -> Period:
    """The last calendar quarter that has ended before ``today``."""
    first_of_this = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last = first_of_this - timedelta(days=1)
    return Period(date(last.year, last.month - 2, 1), last)


def quarter_name(period: Period) -> str | None:
    """"2026-Q3" when the period is exactly one calendar quarter, else None."""
    if period.first.day == 1 and period.first.month % 3 == 1:
        quarter = last_quarter(date(period.first.year, period.first.month, 1) + timedelta(93))
        if quarter == period:
            return f"{period.first.year}-Q{(period.first.month - 1) // 3 + 1}"
    return None


@dataclass(frozen=True)
class FunnelStep:
    key: str
    count: int
    conversion: float | None     # share of the step before, 0 to 1 (None for the first)
    median_days: float | None    # median days from the step before (None: nobody yet)


@dataclass(frozen=True)
class RegionFigure:
    code: str
    country: str
    organisations: int
    partnerships: int


@dataclass(frozen=True)
class MonthFigure:
    month: date                  # the first day of the month
    registrations: int
    partnerships: int
    memoranda_signed: int


@dataclass
class Dashboard:
    period: Period
    funnel: list[FunnelStep]
    regions: list[RegionFigure]
    region_pairs: list[tuple[str, str, int]]
    supply: list[matching_figures.AreaBalance]
    activity: list[MonthFigure]
    programme: dict | None = None    # the suppressed programme report, where the role may see it
    supply_as_of: datetime | None = None  # when the last matching run counted ``supply``
    notes: list = field(default_factory=list)


def _days(later, earlier) -> float | None:
    if later is None or earlier is None:
        return None
    if isinstance(later, date) and not isinstance(later, datetime):
        earlier = earlier.date() if isinstance(earlier, datetime) else earlier
        return max(0.0, float((later - earlier).days))
    return max(0.0, (later - earlier).total_seconds() / 86400)


def _median(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


def funnel(period: Period) -> list[FunnelStep]:
    """The proposals made in the period and how far they got: a count per step, the share of
    the step before, and the median days each step took."""
    counts = matching_figures.funnel_counts(period.start, period.end)
    steps = matching_figures.funnel_steps(period.start, period.end)
    partnerships = memoranda_figures.partnership_steps(
        matching_figures.cohort_partnerships(period.start, period.end))
    first_vetted: dict[int, datetime] = {}
    for step in steps:
        if step.partnership_id is not None and step.vetted_at is not None:
            known = first_vetted.get(step.partnership_id)
            first_vetted[step.partnership_id] = min(filter(None, (known, step.vetted_at)))
    counts |= {"partnership": len(partnerships),
               "agreed": sum(1 for p in partnerships if p.agreed_at is not None),
               "signed": sum(1 for p in partnerships if p.signed_on is not None)}
    medians = {
        "interest": _median(_days(s.interest_at, s.created_at) for s in steps),
        "mutual": _median(_days(s.mutual_at, s.interest_at) for s in steps),
        "vetted": _median(_days(s.vetted_at, s.mutual_at) for s in steps),
        "partnership": _median(_days(p.opened_at, first_vetted.get(p.partnership_id))
                               for p in partnerships),
        "agreed": _median(_days(p.agreed_at, p.opened_at) for p in partnerships),
        "signed": _median(_days(p.signed_on, p.agreed_at) for p in partnerships),
    }
    result, before = [], None
    for key in STEPS:
        count = counts[key]
        conversion = None if before is None else (count / before if before else None)
        result.append(FunnelStep(key, count, conversion, medians.get(key)))
        before = count
    return result


def region_figures() -> tuple[list[RegionFigure], list[tuple[str, str, int]]]:
    """Verified organisations and partnerships (not terminated) per region, and the
    partnerships between each pair of regions."""
    organisations = organisation_figures.organisations_by_region()
    pairs = partnership_figures.partnerships_between_regions()
    partnerships: dict[str, int] = {}
    for ua, kz, count in pairs:
        partnerships[ua] = partnerships.get(ua, 0) + count
        partnerships[kz] = partnerships.get(kz, 0) + count
    figures = [RegionFigure(code, region.country, organisations.get(code, 0),
                            partnerships.get(code, 0)) for code, region in regions().items()]
    return figures, sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))


def months_until(last: date, count: int = ACTIVITY_MONTHS) -> list[date]:
    """The first days of the ``count`` months ending with ``last``'s month."""
    year, month = last.year, last.month
    months = []
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def activity(period: Period) -> list[MonthFigure]:
    """Registrations, partnerships opened and memoranda signed in each of the twelve months
    up to the end of the period."""
    months = months_until(period.last)
    start = datetime.combine(months[0], datetime.min.time(), UTC)
    registrations = organisation_figures.registrations_by_month(start, period.end)
    opened = partnership_figures.partnerships_by_month(start, period.end)
    signed = memoranda_figures.signed_by_month(months[0], period.last + timedelta(days=1))
    return [MonthFigure(m, registrations.get((m.year, m.month), 0),
                        opened.get((m.year, m.month), 0), signed.get((m.year, m.month), 0))
            for m in months]


def sees_programme(actor: User) -> bool:
    """Whether the actor may see the programme's aggregates (as on its report page)."""
    return actor.role in REPORT_ROLES


def dashboard(actor: User, period: Period, today: date) -> Dashboard:
    """Every figure of the dashboard for the period (embassy roles only)."""
    require_role(actor, *EMBASSY_ROLES)
    region_list, pairs = region_figures()
    stored, supply_as_of = matching_figures.stored_supply_and_demand()
    supply = sorted(stored, key=lambda a: (-a.unmet_needs, -a.needs, a.area))
    return Dashboard(period=period, funnel=funnel(period), regions=region_list,
                     region_pairs=pairs, supply=supply, activity=activity(period),
                     supply_as_of=supply_as_of,
                     programme=programme_report(actor) if sees_programme(actor) else None)
