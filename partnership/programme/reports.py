"""Aggregate reports for the embassy: counts by state, region of origin, quarter of referral,
centre and group, made safe against small-count disclosure (docs/programme.md, "Reports").

Counts 1 to 4 are shown as "<5" (primary suppression). The tables are then audited together,
as an attacker would read them: the total of cases, every breakdown of it (states, regions,
quarters), children placed now (the placed states = the centres), each centre's groups. When
the page would let anyone narrow a "<5" below "one of 1, 2, 3 or 4", or work out a hidden count,
the smallest shown count that feeds the leak is hidden too ("x", 5 or more); when nothing is
left to hide, that breakdown is not shown at all."""

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..core.access import require_role
from ..core.roles import REPORT_ROLES
from ..extensions import db
from .models import CaseState, ChildCase, Group, Placement

SMALL = "<5"
HIDDEN = "x"  # a count of 5 or more hidden so that a "<5" next to it cannot be recovered
LOW, HIGH = 1, 4  # the counts "<5" stands for

Cell = tuple[str, Hashable]  # (table, key)
Shown = int | str | None  # a count, SMALL, HIDDEN, or None: not published at all
TOTAL: Cell = ("total", "total")
PLACED: Cell = ("placed", "total")  # children placed now: not printed, but derivable
PLACED_STATES = (CaseState.PLACEMENT_MATCHED, CaseState.TRAVEL_READY, CaseState.IN_PROGRAMME)


class Sum(NamedTuple):
    """A fact a reader knows: ``parent`` is the sum of ``children``."""

    parent: Cell
    children: tuple[Cell, ...]


def suppress(count: int) -> int | str:
    """A count safe to publish on its own: 0 stays 0, 1 to 4 become "<5"."""
    return SMALL if LOW <= count <= HIGH else count


def _domain(shown: Shown, upper: int) -> tuple[int, int]:
    if shown is None:
        return 0, upper
    if shown == SMALL:
        return LOW, HIGH
    if shown == HIDDEN:
        return HIGH + 1, upper
    return int(shown), int(shown)


def feasible_ranges(shown: dict[Cell, Shown], sums: Sequence[Sum],
                    upper: int) -> dict[Cell, tuple[int, int]]:
    """What a reader can conclude about each cell: the smallest and largest value consistent
    with everything published. Bounds propagation to a fixed point; exact here, because the
    sums form a tree (no two sums share more than one cell, and no cycle through shared cells)
    and the sum of whole-number intervals is a whole-number interval."""
    lo, hi = {}, {}
    for cell, value in shown.items():
        lo[cell], hi[cell] = _domain(value, upper)
    changed = True
    while changed:
        changed = False
        for parent, children in sums:
            low = sum(lo[c] for c in children)
            high = sum(hi[c] for c in children)
            bounds = [(parent, low, high)] + [
                (c, lo[parent] - (high - hi[c]), hi[parent] - (low - lo[c])) for c in children]
            for cell, new_lo, new_hi in bounds:
                if new_lo > lo[cell] or new_hi < hi[cell]:
                    lo[cell], hi[cell] = max(lo[cell], new_lo), min(hi[cell], new_hi)
                    changed = True
                    if lo[cell] > hi[cell]:
                        raise ValueError(f"inconsistent counts at {cell!r}")
    return {cell: (lo[cell], hi[cell]) for cell in shown}


def exposed(shown: dict[Cell, Shown], ranges: dict[Cell, tuple[int, int]]) -> list[Cell]:
    """Hidden cells a reader learns something about: a "<5" narrowed below 1 to 4, or an "x"
    worked out exactly."""
    return [cell for cell, value in shown.items()
            if (value == SMALL and ranges[cell] != (LOW, HIGH))
            or (value == HIDDEN and ranges[cell][0] == ranges[cell][1])]


def _feeding(cell: Cell, shown: dict[Cell, Shown], sums: Sequence[Sum]) -> list[Cell]:
    """The shown cells linked to ``cell`` through hidden cells: hiding one of them widens what
    a reader can conclude about it."""
    seen, todo, found = {cell}, [cell], []
    while todo:
        current = todo.pop()
        for parent, children in sums:
            members = (parent, *children)
            if current not in members:
                continue
            for other in members:
                if other in seen:
                    continue
                seen.add(other)
                if isinstance(shown[other], int):
                    found.append(other)
                else:
                    todo.append(other)
    return found


def protect(values: dict[Cell, int], sums: Sequence[Sum], *, fixed: frozenset[Cell] = frozenset(),
            unpublished: frozenset[Cell] = frozenset(),
            unit: Callable[[Cell], Hashable] = lambda cell: cell[0]) -> dict[Cell, Shown]:
    """Primary suppression (1 to 4 -> "<5"; ``fixed`` cells are published as they are), then
    secondary suppression until no hidden cell is exposed: hide the smallest shown count feeding
    the leak (never a fixed one), or, when there is none, withhold the breakdown under the
    leaking cell or else the leaking cell's own (its ``unit``)."""
    shown: dict[Cell, Shown] = {
        cell: None if cell in unpublished else n if cell in fixed else suppress(n)
        for cell, n in values.items()}
    order = {cell: i for i, cell in enumerate(values)}
    upper = max(values.values(), default=0)
    while leaks := exposed(shown, feasible_ranges(shown, sums, upper)):
        cell = leaks[0]
        candidates = [c for c in _feeding(cell, shown, sums) if c not in fixed and values[c]]
        if candidates:
            shown[min(candidates, key=lambda c: (values[c], order[c]))] = HIDDEN
        else:
            # Rather the breakdown under the cell (a centre's groups) than the cell's own table.
            units = {unit(c) for parent, children in sums if parent == cell
                     for c in children if shown[c] is not None} or {unit(cell)}
            for other in shown:
                if unit(other) in units:
                    shown[other] = None
    return shown


def suppress_cells(rows: list[tuple[Hashable, int]]) -> list[tuple[Hashable, Shown]]:
    """One breakdown whose total is published, made safe (None: not shown)."""
    values = {("row", key): n for key, n in rows} | {TOTAL: sum(n for _key, n in rows)}
    shown = protect(values, [Sum(TOTAL, tuple(c for c in values if c != TOTAL))],
                    fixed=frozenset({TOTAL}))
    return [(key, shown[("row", key)]) for key, _n in rows]


def _quarter(case: ChildCase) -> str:
    at = case.created_at
    return f"{at.year}-Q{(at.month - 1) // 3 + 1}"


def _group_unit(cell: Cell) -> Hashable:
    # A centre's groups are withheld together, not the whole table.
    return ("group", cell[1].centre_id) if cell[0] == "group" else cell[0]


def report_cells(cases: list[ChildCase],
                 placements: list[Placement]) -> tuple[dict[Cell, int], list[Sum]]:
    """Every count of the report and the sums linking them, as a reader knows them."""
    states = Counter(str(case.state) for case in cases)
    tables: dict[str, list[tuple[Hashable, int]]] = {
        "state": [(str(state), states.get(str(state), 0)) for state in CaseState],
        "region": sorted(Counter(case.region for case in cases).items()),
        "quarter": sorted(Counter(_quarter(case) for case in cases).items()),
        "centre": sorted(Counter(p.group.centre for p in placements).items(),
                         key=lambda item: item[0].id),
        "group": sorted(Counter(p.group for p in placements).items(),
                        key=lambda item: item[0].id),
    }
    values: dict[Cell, int] = {TOTAL: len(cases), PLACED: len(placements)}
    for table, rows in tables.items():
        values.update(((table, key), n) for key, n in rows)
    cells = {table: tuple((table, key) for key, _n in rows) for table, rows in tables.items()}
    placed = tuple(("state", str(state)) for state in PLACED_STATES)
    sums = [Sum(TOTAL, cells["region"]), Sum(TOTAL, cells["quarter"]),
            Sum(PLACED, cells["centre"])]
    if sum(values[c] for c in placed) == len(placements):
        # The placed states count exactly the children in a group now: a reader may use it.
        sums += [Sum(TOTAL, (PLACED, *(c for c in cells["state"] if c not in placed))),
                 Sum(PLACED, placed)]
    else:
        sums.append(Sum(TOTAL, cells["state"]))
    for centre_cell in cells["centre"]:
        sums.append(Sum(centre_cell, tuple(
            c for c in cells["group"] if c[1].centre_id == centre_cell[1].id)))
    return values, sums


def protect_report(values: dict[Cell, int], sums: Sequence[Sum]) -> dict[Cell, Shown]:
    """The report's cells made safe; fewer than 5 cases in all are not broken down at all."""
    if values[TOTAL] <= HIGH:
        return {cell: suppress(n) if cell == TOTAL else None for cell, n in values.items()}
    return protect(values, sums, fixed=frozenset({TOTAL}), unpublished=frozenset({PLACED}),
                   unit=_group_unit)


def build_report(cases: list[ChildCase], placements: list[Placement]) -> dict:
    """The report's tables from the cases and the current placements: rows of (key, shown),
    and ``withheld``, the breakdowns (or, for groups, some centres' groups) left out because
    they could not be shown safely."""
    values, sums = report_cells(cases, placements)
    shown = protect_report(values, sums)
    report: dict = {"total": [("total", shown[TOTAL])], "withheld": set()}
    for table in ("state", "region", "quarter", "centre", "group"):
        cells = [cell for cell in values if cell[0] == table]
        report[table] = [(cell[1], shown[cell]) for cell in cells if shown[cell] is not None]
        if len(report[table]) < len(cells):
            report["withheld"].add(table)
    return report


def programme_report(actor: User) -> dict:
    """Suppressed counts of cases by state, region of origin and referral quarter, and of
    children placed now by centre and by group (see ``build_report``)."""
    require_role(actor, *REPORT_ROLES)
    cases = list(db.session.scalars(select(ChildCase)))
    placements = list(db.session.scalars(
        select(Placement).where(Placement.ended_at.is_(None))
        .options(joinedload(Placement.group).joinedload(Group.centre))))
    return build_report(cases, placements)
