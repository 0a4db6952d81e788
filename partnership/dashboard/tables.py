"""The dashboard's tables, in the reader's language: one source for the page's data tables,
the CSV and XLSX downloads and the report PDF."""

from dataclasses import dataclass

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l

from ..organisations.labels import COUNTRIES, area_label, region_label
from ..programme.labels import STATES, centre_name, group_label
from .figures import Dashboard

STEP_LABELS = {
    "proposed": _l("Proposed"),
    "interest": _l("Interest shown"),
    "mutual": _l("Mutual interest"),
    "vetted": _l("Vetted by the embassy"),
    "partnership": _l("Partnership opened"),
    "agreed": _l("Memorandum agreed"),
    "signed": _l("Memorandum signed"),
}
TABLE_KEYS = ("funnel", "regions", "region_pairs", "supply", "activity", "programme")


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple]


def month_label(month) -> str:
    return format_date(month, "LLLL y")


def funnel_table(board: Dashboard) -> Table:
    return Table("funnel", gettext("Partnership funnel"), (
        gettext("Step"), gettext("Count"), gettext("Conversion, %"),
        gettext("Median days")),
        [(str(STEP_LABELS[step.key]), step.count,
          "" if step.conversion is None else round(100 * step.conversion, 1),
          "" if step.median_days is None else step.median_days) for step in board.funnel])


def regions_table(board: Dashboard) -> Table:
    return Table("regions", gettext("Organisations and partnerships by region"), (
        gettext("Country"), gettext("Region"), gettext("Verified organisations"),
        gettext("Partnerships")),
        [(str(COUNTRIES[r.country]), region_label(r.code), r.organisations, r.partnerships)
         for r in board.regions if r.organisations or r.partnerships])


def pairs_table(board: Dashboard) -> Table:
    return Table("region_pairs", gettext("Partnerships between regions"), (
        gettext("Ukrainian region"), gettext("Kazakh region"), gettext("Partnerships")),
        [(region_label(ua), region_label(kz), n) for ua, kz, n in board.region_pairs])


def supply_table(board: Dashboard) -> Table:
    return Table("supply", gettext("Supply and demand by area of medicine"), (
        gettext("Area of medicine"), gettext("Needs"), gettext("Offers"),
        gettext("Unmet needs"), gettext("Offers nobody needs")),
        [(area_label(a.area), a.needs, a.offers, a.unmet_needs, a.unneeded_offers)
         for a in board.supply])


def activity_table(board: Dashboard) -> Table:
    return Table("activity", gettext("Activity by month"), (
        gettext("Month"), gettext("Registrations"), gettext("Partnerships opened"),
        gettext("Memoranda signed")),
        [(month_label(m.month), m.registrations, m.partnerships, m.memoranda_signed)
         for m in board.activity])


def programme_table(board: Dashboard) -> Table | None:
    """The programme's suppressed counts as one long table (breakdown, value, children)."""
    report = board.programme
    if report is None:
        return None
    names = {"total": gettext("Cases in total"), "state": gettext("State"),
             "region": gettext("Region of origin"), "quarter": gettext("Quarter of referral"),
             "centre": gettext("Centre (placed now)"), "group": gettext("Group (placed now)")}
    words = {"total": lambda _v: "",
             "state": lambda v: str(STATES.get(str(v), v)), "region": region_label,
             "quarter": str, "centre": centre_name, "group": group_label}
    rows = []
    for key, name in names.items():
        for value, shown in report[key]:
            rows.append((name, words[key](value), shown))
        if key in report["withheld"]:
            rows.append((name, gettext("Not shown: too few children"), ""))
    return Table("programme", gettext("People of the Future (aggregates)"), (
        gettext("Breakdown"), gettext("Value"), gettext("Children")), rows)


def tables(board: Dashboard) -> list[Table]:
    """Every table of the dashboard, in display order."""
    found = [funnel_table(board), regions_table(board), pairs_table(board),
             supply_table(board), activity_table(board), programme_table(board)]
    return [table for table in found if table is not None]
