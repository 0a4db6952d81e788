"""Issue 10, item 6: small counts in the embassy's report cannot be recovered from the totals.

``attacker_view`` reads a published report as an attacker would: every shown figure is exact,
"<5" is one of 1 to 4, "x" is 5 or more, a withheld count is anything; the attacker knows the
total of cases, that states, regions and quarters each add up to it, that the children placed
now (the placement_matched, travel_ready and in_programme states) add up to the centres, and
each centre to its groups. For every hidden cell it finds, by exhaustive search over sets of
reachable sums, each value the cell can take in some world consistent with all that. It shares
no code with ``reports``; a report is safe when every "<5" can still be any of 1 to 4 and no "x"
is pinned."""

import csv
import io
from datetime import UTC, datetime
from types import SimpleNamespace

from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations.labels import region_label
from partnership.programme import centres, reports
from partnership.programme.labels import group_label
from partnership.programme.models import CaseState, ChildCase, Placement
from tests import factories_programme as fp
from tests.factories import UserFactory

PLACED = {"placement_matched", "travel_ready", "in_programme"}


def _bits(values) -> int:
    mask = 0
    for value in values:
        mask |= 1 << value
    return mask


def _sumset(masks, upper: int) -> int:
    """Every sum reachable by taking one value from each set (sets as bit masks)."""
    reach, limit = 1, (1 << (upper + 1)) - 1
    for mask in masks:
        total, value = 0, 0
        while mask >> value:
            if mask >> value & 1:
                total |= reach << value
            value += 1
        reach = total & limit
    return reach


def attacker_view(report: dict, world: dict) -> dict:
    """For each hidden published cell, the set of values consistent with the whole report.
    ``world`` gives the true cells ({table: {key: count}}) and each group's centre."""
    total = report["total"][0][1]
    upper = total if isinstance(total, int) else 4  # every count is part of the total
    published = {table: dict(report[table]) for table in ("state", "region", "quarter",
                                                          "centre", "group")}

    def domain(table, key):
        shown = published[table].get(key)
        if shown is None:
            return _bits(range(upper + 1))
        if shown == "<5":
            return _bits(range(1, 5))
        if shown == "x":
            return _bits(range(5, upper + 1))
        return _bits([int(shown)])

    base = {(table, key): domain(table, key) for table in published for key in world[table]}
    base[("total", "total")] = _bits([total]) if isinstance(total, int) else _bits(range(1, 5))

    def feasible(doms) -> bool:
        def table_sum(table, keys=None):
            return _sumset([doms[(table, k)] for k in (keys or world[table])], upper)
        regions, quarters = table_sum("region"), table_sum("quarter")
        placed = _sumset([doms[("state", s)] for s in world["state"] if s in PLACED], upper)
        others = _sumset([doms[("state", s)] for s in world["state"] if s not in PLACED], upper)
        centres = _sumset([doms[("centre", c)] & table_sum(
            "group", [g for g in world["group"] if world["centre_of"][g] == c])
            for c in world["centre"]], upper)
        for n in range(upper + 1):
            if not (doms[("total", "total")] >> n & 1 and regions >> n & 1
                    and quarters >> n & 1):
                continue
            for p in range(n + 1):
                if placed >> p & 1 and centres >> p & 1 and others >> (n - p) & 1:
                    return True
        return False

    assert feasible(base), "the true world must be consistent with the report"
    view = {}
    for table in published:
        for key, shown in published[table].items():
            if shown in ("<5", "x"):
                view[(table, key)] = {v for v in range(upper + 1) if base[(table, key)] >> v & 1
                                      and feasible({**base, (table, key): 1 << v})}
    return view


def leaks(report: dict, world: dict) -> list:
    """The hidden cells an attacker learns something about."""
    found = []
    for (table, key), values in attacker_view(report, world).items():
        shown = dict(report[table])[key]
        if (shown == "<5" and values != {1, 2, 3, 4}) or (shown == "x" and len(values) < 2):
            found.append((table, key, shown, sorted(values)))
    return found


def world_of(cases_, placements) -> dict:
    """The true counts, as the checker's knowledge of the structure."""
    world: dict = {"state": {str(s): 0 for s in CaseState}, "region": {}, "quarter": {},
                   "centre": {}, "group": {}, "centre_of": {}}
    for case in cases_:
        world["state"][str(case.state)] += 1
        world["region"][case.region] = world["region"].get(case.region, 0) + 1
        at = case.created_at
        quarter = f"{at.year}-Q{(at.month - 1) // 3 + 1}"
        world["quarter"][quarter] = world["quarter"].get(quarter, 0) + 1
    for placement in placements:
        group, centre = placement.group, placement.group.centre
        world["group"][group] = world["group"].get(group, 0) + 1
        world["centre"][centre] = world["centre"].get(centre, 0) + 1
        world["centre_of"][group] = centre
    return world


# --- the attack of issue 10: 26 = Kharkiv 16 + ten children in nine regions ---------------

REGIONS = ["ua_sumy", "ua_lviv", "ua_kyiv_city", "ua_odesa", "ua_poltava", "ua_dnipropetrovsk",
           "ua_zaporizhzhia", "ua_chernihiv", "ua_mykolaiv"]


def _current_world():
    return world_of(db.session.scalars(select(ChildCase)).all(),
                    db.session.scalars(select(Placement).where(Placement.ended_at.is_(None))).all())


def _example_world(actor):
    _centre, group = fp.centre_with_group(actor, capacity=30)
    second = fp.centre_with_group(actor, capacity=30, name="Autumn group")[1]
    for _ in range(10):
        fp.placed_case(actor, group, region="ua_kharkiv")
    for region in ("ua_sumy", "ua_lviv"):
        fp.placed_case(actor, second, region=region)
    for _ in range(6):
        fp.new_case(actor, region="ua_kharkiv")
    for region in REGIONS[2:] + ["ua_sumy"]:
        fp.new_case(actor, region=region)
    db.session.commit()
    return _current_world()


def test_the_26_children_of_the_attack_cannot_be_recovered(client, login_as):
    world = _example_world(fp.coordinator())
    assert sum(world["region"].values()) == 26 and world["region"]["ua_kharkiv"] == 16
    assert sorted(world["region"].values()) == [1] * 8 + [2, 16]
    report = reports.programme_report(UserFactory(role=Role.EMBASSY_OFFICER))
    assert report["total"] == [("total", 26)]
    assert leaks(report, world) == []


def test_the_csv_and_the_page_carry_the_same_safe_figures(client, login_as):
    world = _example_world(fp.coordinator())
    report = reports.programme_report(UserFactory(role=Role.EMBASSY_OFFICER))
    assert leaks(report, world) == []
    login_as(Role.EMBASSY_OFFICER)
    text = client.get("/programme/report.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    published = {(row[0], row[1]): row[2] for row in rows[1:]}
    assert published[("All cases", "")] == "26"
    with force_locale("en"):
        region_labels = {region_label(key): str(shown) for key, shown in report["region"]}
        group_labels = {group_label(key): str(shown) for key, shown in report["group"]}
    regions = {label: count for (table, label), count in published.items()
               if table == "Region of origin"}
    assert regions == region_labels
    groups = {label: count for (table, label), count in published.items() if table == "Group"}
    assert groups == group_labels
    assert not any(row[2] in {"1", "2", "3", "4"} for row in rows[1:])
    page = client.get("/programme/report").get_data(as_text=True)
    assert "&lt;5" in page and "could be any of 1, 2, 3 or 4" in page


def test_a_centre_shown_exactly_does_not_give_away_its_groups(app):
    """Centre 8 = group 7 + group 1, and 8 placed = 8 in placement_matched: neither the centre,
    the group nor the placed states may be left exact next to a "<5" they would give away."""
    actor = fp.coordinator()
    centre, group = fp.centre_with_group(actor, capacity=30)
    second = centres.save_group(actor, centre, centres.GroupData(
        name="Small group", starts_on=group.starts_on, ends_on=group.ends_on, capacity=30,
        language="uk", focus="both", accompanying_staff="Psychologist"))
    db.session.commit()
    for _ in range(7):
        fp.placed_case(actor, group)
    fp.placed_case(actor, second)
    for _ in range(9):
        fp.new_case(actor)
    report = reports.programme_report(UserFactory(role=Role.EMBASSY_OFFICER))
    assert leaks(report, _current_world()) == []


def test_placed_states_do_not_undo_the_state_table(app):
    """referred 2 + placement_matched 7 = 9: hiding placement_matched as "x" is not enough
    while the centres show the 7 children placed."""
    actor = fp.coordinator()
    group = fp.centre_with_group(actor, capacity=30)[1]
    for _ in range(7):
        fp.placed_case(actor, group)
    for _ in range(2):
        fp.new_case(actor)
    report = reports.programme_report(UserFactory(role=Role.EMBASSY_OFFICER))
    assert leaks(report, _current_world()) == []


# --- random worlds -----------------------------------------------------------------------

class Thing(SimpleNamespace):
    """A stand-in for a model row: hashable by identity, like one."""

    __hash__ = object.__hash__


QUARTERS = [datetime(2026, month, 5, tzinfo=UTC) for month in (1, 4, 7)]
STATES = list(CaseState)


@st.composite
def worlds(draw):
    centres_ = [Thing(id=i) for i in range(draw(st.integers(1, 3)))]
    groups = [Thing(id=10 * c.id + j, centre=c, centre_id=c.id)
              for c in centres_ for j in range(draw(st.integers(1, 3)))]
    people = draw(st.lists(st.tuples(
        st.sampled_from(STATES[:8]), st.integers(0, 5), st.integers(0, 2),
        st.integers(0, len(groups) - 1)), max_size=40))
    skew = draw(st.integers(0, 5))
    cases_, placements = [], []
    for state, region, quarter, group in people:
        case = Thing(state=state, region=f"r{min(region, skew)}",
                               created_at=QUARTERS[quarter])
        cases_.append(case)
        if str(state) in PLACED:
            placements.append(Thing(group=groups[group]))
    return cases_, placements


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_no_random_world_gives_a_small_count_away(world):
    cases_, placements = world
    report = reports.build_report(cases_, placements)
    assert leaks(report, world_of(cases_, placements)) == []
    total = report["total"][0][1]
    assert total == (len(cases_) if len(cases_) >= 5 else reports.suppress(len(cases_)))


def test_the_checker_catches_the_old_leaks():
    """The checker is not toothless: the figures of the attack are flagged."""
    world = {"state": {"referred": 26}, "region": {"ua_kharkiv": 16, **{
        r: 1 for r in REGIONS[1:]}, "ua_sumy": 2}, "quarter": {"2026-Q1": 26},
        "centre": {}, "group": {}, "centre_of": {}}
    old = {"total": [("total", 26)], "state": [("referred", 26)], "quarter": [("2026-Q1", 26)],
           "region": [("ua_kharkiv", 16)] + [(r, "<5") for r in REGIONS],
           "centre": [], "group": []}
    assert {cell[1] for cell in leaks(old, world)} == set(REGIONS)
    # 8 = 7 + 1 shown as "x" and "<5": the "<5" is 1, 2 or 3, never 4.
    world = {"state": {"referred": 8}, "region": {"a": 7, "b": 1}, "quarter": {"q": 8},
             "centre": {}, "group": {}, "centre_of": {}}
    old = {"total": [("total", 8)], "state": [("referred", 8)], "quarter": [("q", 8)],
           "region": [("a", "x"), ("b", "<5")], "centre": [], "group": []}
    assert leaks(old, world) == [("region", "b", "<5", [1, 2, 3])]


@given(st.lists(st.integers(0, 12), min_size=1, max_size=8))
@settings(max_examples=80, deadline=None)
def test_one_breakdown_alone_is_safe(counts):
    rows = reports.suppress_cells(list(enumerate(counts)))
    total = sum(counts)
    world = {"state": {"referred": total}, "region": dict(enumerate(counts)),
             "quarter": {"q": total}, "centre": {}, "group": {}, "centre_of": {}}
    report = {"total": [("total", total)], "state": [("referred", total)],
              "quarter": [("q", total)], "centre": [], "group": [],
              "region": [(key, shown) for key, shown in rows if shown is not None]}
    assert leaks(report, world) == []
    assert all(shown in (0, None) or shown == "x" or shown == "<5" or shown == n
               for (_key, shown), n in zip(rows, counts, strict=True))
