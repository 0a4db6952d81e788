"""What the dashboard page and the report PDF show: the figures, their tables and their charts,
in the current language."""

from flask_babel import format_date, format_decimal, gettext

from ..core.language import current_language
from ..organisations.labels import COUNTRIES, area_label
from ..organisations.taxonomy import regions
from . import charts
from .figures import Dashboard, quarter_name
from .tables import STEP_LABELS, tables

SUPPLY_IN_CHART = 12


def _percent(share) -> str:
    return "" if share is None else f"{format_decimal(round(100 * share, 1))} %"


def funnel_chart(board: Dashboard, prefix: str):
    notes = []
    for step in board.funnel:
        parts = []
        if step.conversion is not None:
            parts.append(_percent(step.conversion))
        if step.median_days is not None:
            parts.append(gettext("median %(days)s d", days=format_decimal(step.median_days)))
        notes.append(" · ".join(parts))
    return charts.bars(gettext("Partnership funnel"),
                       [str(STEP_LABELS[s.key]) for s in board.funnel],
                       [(gettext("Count"), [s.count for s in board.funnel])],
                       f"{prefix}-funnel", notes)


def supply_chart(board: Dashboard, prefix: str):
    shown = board.supply[:SUPPLY_IN_CHART]
    return charts.bars(gettext("Supply and demand by area of medicine"),
                       [area_label(a.area) for a in shown],
                       [(gettext("Needs"), [a.needs for a in shown]),
                        (gettext("Offers"), [a.offers for a in shown]),
                        (gettext("Unmet needs"), [a.unmet_needs for a in shown])],
                       f"{prefix}-supply")


def activity_chart(board: Dashboard, prefix: str):
    return charts.columns(gettext("Activity by month"),
                          [format_date(m.month, "LLL yy") for m in board.activity],
                          [(gettext("Registrations"), [m.registrations for m in board.activity]),
                           (gettext("Partnerships opened"),
                            [m.partnerships for m in board.activity]),
                           (gettext("Memoranda signed"),
                            [m.memoranda_signed for m in board.activity])],
                          f"{prefix}-activity")


def map_chart(board: Dashboard, prefix: str):
    language = current_language()
    names = {code: region.label(language) for code, region in regions().items()}
    return charts.cartogram(
        gettext("Verified organisations per region, and partnerships between regions"),
        {r.code: r.organisations for r in board.regions}, board.region_pairs, names,
        (str(COUNTRIES["UA"]), str(COUNTRIES["KZ"])), f"{prefix}-map")


def period_label(board: Dashboard) -> str:
    quarter = quarter_name(board.period)
    span = gettext("%(first)s to %(last)s", first=format_date(board.period.first, "long"),
                   last=format_date(board.period.last, "long"))
    return f"{quarter} ({span})" if quarter else span


def page_context(board: Dashboard, chart_prefix: str = "chart") -> dict:
    """Everything the page and the PDF templates need."""
    return {
        "board": board,
        "tables": {table.key: table for table in tables(board)},
        "charts": {"funnel": funnel_chart(board, chart_prefix),
                   "supply": supply_chart(board, chart_prefix),
                   "activity": activity_chart(board, chart_prefix),
                   "map": map_chart(board, chart_prefix)},
        "period_label": period_label(board),
        "shades": charts.SHADES,
    }
