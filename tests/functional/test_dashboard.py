"""The embassy's dashboard: figures against a hand-counted world, access, the query count, the
CSV/XLSX downloads and the quarterly report PDF."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import event

from partnership.core.database import utcnow
from partnership.core.roles import Role
from partnership.dashboard.figures import Period, dashboard, last_quarter, quarter_name
from partnership.extensions import db
from partnership.matching.figures import (
    store_supply_and_demand,
    stored_supply_and_demand,
    supply_and_demand,
)
from partnership.matching.models import Match, MatchStatus
from partnership.memoranda.models import Memorandum, MemorandumState, MemorandumTemplate
from partnership.organisations.models import Country, Direction, ItemStatus, Status
from partnership.partnerships.models import Partnership, PartnershipStatus

from ..conftest import post_form
from ..factories import ItemFactory, OrganisationFactory, UserFactory

Q3 = "first=2026-07-01&last=2026-09-30"
PERIOD = Period(date(2026, 7, 1), date(2026, 9, 30))


def at(month, day, hour=10):
    year = 2026 if isinstance(month, int) else month[0]
    month = month if isinstance(month, int) else month[1]
    return datetime(year, month, day, hour, tzinfo=UTC)


def _match(need, offer, created, interest=None, mutual=None, vetted=None, partnership=None):
    status = (MatchStatus.VETTED if vetted else MatchStatus.MUTUALLY_ACCEPTED if mutual
              else MatchStatus.INTEREST_NEED if interest else MatchStatus.PROPOSED)
    match = Match(need_id=need.id, offer_id=offer.id, need_organisation_id=need.organisation_id,
                  offer_organisation_id=offer.organisation_id, score=0.5, status=status,
                  need_version=need.updated_at, offer_version=offer.updated_at,
                  created_at=created, interest_at=interest, mutual_at=mutual, vetted_at=vetted,
                  partnership_id=partnership.id if partnership else None)
    db.session.add(match)
    return match


@pytest.fixture
def world(app):
    """The hand-counted world of the docstrings below (see docs/dashboard.md)."""
    ua1 = OrganisationFactory(region="ua_lviv", created_at=at(7, 5))
    ua2 = OrganisationFactory(region="ua_kyiv_city", created_at=at(8, 10))
    kz1 = OrganisationFactory(country=Country.KZ, region="kz_astana", created_at=at(8, 11))
    kz2 = OrganisationFactory(country=Country.KZ, region="kz_almaty_city",
                              created_at=at((2025, 12), 1))
    OrganisationFactory(country=Country.KZ, region="kz_abai", status=Status.PENDING,
                        created_at=at(9, 2))
    need = dict(direction=Direction.NEED, urgency="high")
    a = ItemFactory(organisation=ua1, area="physical_rehabilitation", **need)
    b = ItemFactory(organisation=ua2, area="physical_rehabilitation", **need)
    ItemFactory(organisation=ua1, area="burns_care", **need)          # unmet
    ItemFactory(organisation=ua2, area="oncology", **need)            # unmet
    f = ItemFactory(organisation=ua1, area="cardiology", **need)
    ItemFactory(organisation=ua1, area="burns_care", status=ItemStatus.WITHDRAWN, **need)
    x = ItemFactory(organisation=kz1, area="physical_rehabilitation")
    y = ItemFactory(organisation=kz2, area="physical_rehabilitation")
    ItemFactory(organisation=kz2, area="cardiology")                   # nobody needs it
    w = ItemFactory(organisation=kz1, area="cardiology")
    ItemFactory(organisation=kz1, area="cardiology",
                valid_until=utcnow().date() - timedelta(days=1))     # expired: not counted
    p1 = Partnership(reference="UA-KZ-T-1", ukrainian_organisation_id=ua1.id,
                     kazakh_organisation_id=kz1.id, created_at=at(7, 8))
    p2 = Partnership(reference="UA-KZ-T-2", ukrainian_organisation_id=ua2.id,
                     kazakh_organisation_id=kz2.id, created_at=at(7, 28))
    p3 = Partnership(reference="UA-KZ-T-3", ukrainian_organisation_id=ua1.id,
                     kazakh_organisation_id=kz2.id, created_at=at(1, 15),
                     status=PartnershipStatus.TERMINATED)
    db.session.add_all([p1, p2, p3])
    db.session.flush()
    _match(a, x, at(7, 1), at(7, 3), at(7, 7), at(7, 8), p1)
    _match(b, y, at(7, 10), at(7, 11), at(7, 17), at(7, 27), p2)
    _match(a, y, at(8, 1), at(8, 5))
    _match(b, x, at(9, 30, 23))
    _match(f, w, at(6, 30), at(7, 2))                  # before the period
    _match(f, x, at(10, 1, 0))                         # after the period
    template = MemorandumTemplate(number=1, content={})
    db.session.add(template)
    db.session.flush()
    db.session.add_all([
        Memorandum(partnership_id=p1.id, template_id=template.id, state=MemorandumState.SIGNED,
                   agreed_at=at(8, 7), signed_on=date(2026, 8, 17)),
        Memorandum(partnership_id=p2.id, template_id=template.id, state=MemorandumState.AGREED,
                   agreed_at=at(9, 6)),
    ])
    # What the matching run does after storing its proposals (supply and demand are read
    # from its count: docs/dashboard.md).
    store_supply_and_demand(utcnow().date(), utcnow())
    db.session.commit()


def test_funnel_counts_conversions_and_medians(app, world):
    """4 proposals in Q3 (one at 23:00 on its last day; one before and one after are left
    out); 3 showed interest after 2, 1 and 4 days; 2 became mutual after 4 and 6 days; both
    vetted after 1 and 10 days; their 2 partnerships opened 0 and 1 day later; both memoranda
    agreed after 30 and 40 days; one signed 10 days after."""
    board = dashboard(UserFactory(role=Role.EMBASSY_OFFICER), PERIOD, utcnow().date())
    steps = {step.key: step for step in board.funnel}
    assert [s.count for s in board.funnel] == [4, 3, 2, 2, 2, 2, 1]
    assert steps["proposed"].conversion is None
    assert steps["interest"].conversion == pytest.approx(0.75)
    assert steps["mutual"].conversion == pytest.approx(2 / 3)
    assert steps["signed"].conversion == pytest.approx(0.5)
    assert {k: s.median_days for k, s in steps.items()} == {
        "proposed": None, "interest": 2.0, "mutual": 5.0, "vetted": 5.5, "partnership": 0.5,
        "agreed": 35.0, "signed": 10.0}


def test_regions_pairs_supply_and_activity(app, world):
    board = dashboard(UserFactory(role=Role.ADMIN), PERIOD, utcnow().date())
    regions = {r.code: (r.organisations, r.partnerships) for r in board.regions}
    assert regions["ua_lviv"] == (1, 1) and regions["ua_kyiv_city"] == (1, 1)
    assert regions["kz_astana"] == (1, 1) and regions["kz_almaty_city"] == (1, 1)
    assert regions["kz_abai"] == (0, 0)           # pending: not counted
    assert len(board.regions) == 47
    # the terminated partnership (Lviv - Almaty) is left out
    assert board.region_pairs == [("ua_kyiv_city", "kz_almaty_city", 1),
                                  ("ua_lviv", "kz_astana", 1)]
    assert [tuple(a) for a in board.supply] == [
        ("burns_care", 1, 0, 1, 0), ("oncology", 1, 0, 1, 0),
        ("physical_rehabilitation", 2, 2, 0, 0), ("cardiology", 1, 2, 0, 1)]
    months = {(m.month.year, m.month.month): (m.registrations, m.partnerships,
                                              m.memoranda_signed) for m in board.activity}
    assert len(months) == 12 and min(months) == (2025, 10) and max(months) == (2026, 9)
    assert months[(2025, 12)] == (1, 0, 0)
    assert months[(2026, 1)] == (0, 1, 0)          # the terminated one opened in January
    assert months[(2026, 7)] == (1, 2, 0)
    assert months[(2026, 8)] == (2, 0, 1)
    assert months[(2026, 9)] == (1, 0, 0)
    assert board.programme is None                 # the administrator sees no programme figures


def test_default_period_is_the_last_quarter():
    assert last_quarter(date(2026, 11, 30)) == PERIOD
    assert last_quarter(date(2026, 1, 1)) == Period(date(2025, 10, 1), date(2025, 12, 31))
    assert last_quarter(date(2026, 4, 1)) == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_name(PERIOD) == "2026-Q3"
    assert quarter_name(Period(date(2026, 7, 1), date(2026, 9, 29))) is None


@pytest.mark.parametrize("role, status", [
    (Role.EMBASSY_OFFICER, 200), (Role.ADMIN, 200), (Role.PROGRAMME_COORDINATOR, 403),
    (Role.ORG_MANAGER, 403), (Role.ORG_MEMBER, 403), (Role.CENTRE_STAFF, 403)])
def test_only_embassy_roles_see_the_dashboard(client, login_as, role, status):
    login_as(role)
    for path in ("/embassy/dashboard", "/embassy/dashboard/funnel.csv",
                 "/embassy/dashboard/tables.xlsx"):
        assert client.get(path).status_code == status, path


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/embassy/dashboard").status_code == 302


def test_the_page_shows_the_figures_and_the_programme_only_where_allowed(app, client, login_as,
                                                                          world):
    from ..factories_programme import coordinator, new_case

    lead = coordinator()
    for _ in range(7):
        new_case(lead, region="ua_kharkiv")
    new_case(lead, region="ua_odesa")
    login_as(Role.EMBASSY_OFFICER)
    page = client.get(f"/embassy/dashboard?{Q3}").get_data(as_text=True)
    assert "Partnership funnel" in page and "2026-Q3" in page
    assert "75 %" in page and "median 5.5 d" in page
    assert "People of the Future (aggregates)" in page
    programme = page[page.index('id="table-programme"'):]
    assert "<td>8</td>" in programme
    # 7 from Kharkiv and 1 from Odesa: any regional figure would single the Odesa child out
    assert "Not shown: too few children" in programme and "Kharkiv" not in programme
    assert "Zhovtoblakytna" not in page
    post_form(client, "/logout", {})
    login_as(Role.ADMIN)
    page = client.get(f"/embassy/dashboard?{Q3}").get_data(as_text=True)
    assert "Partnership funnel" in page
    assert "People of the Future (aggregates)" not in page
    assert client.get(f"/embassy/dashboard/programme.csv?{Q3}").status_code == 404


def test_a_wrong_period_is_explained_and_the_last_quarter_shown(client, login_as):
    login_as(Role.EMBASSY_OFFICER)
    page = client.get("/embassy/dashboard?first=2026-09-30&last=2026-07-01").get_data(
        as_text=True)
    assert "The end of the period must not be before its start." in page
    for query in ("first=9999-12-31", "last=0001-01-01", "first=x&last=y", "language=zz"):
        assert client.get(f"/embassy/dashboard?{query}").status_code == 200, query
        assert client.get(f"/embassy/dashboard/report.pdf?{query}").status_code == 200, query


def test_csv_and_xlsx_carry_every_table(app, client, login_as, world):
    login_as(Role.EMBASSY_OFFICER)
    response = client.get(f"/embassy/dashboard/funnel.csv?{Q3}")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Step", "Count", "Conversion, %", "Median days"]
    assert rows[1:] == [["Proposed", "4", "", ""], ["Interest shown", "3", "75.0", "2.0"],
                        ["Mutual interest", "2", "66.7", "5.0"],
                        ["Vetted by the embassy", "2", "100.0", "5.5"],
                        ["Partnership opened", "2", "100.0", "0.5"],
                        ["Memorandum agreed", "2", "100.0", "35.0"],
                        ["Memorandum signed", "1", "50.0", "10.0"]]
    supply = client.get(f"/embassy/dashboard/supply.csv?{Q3}").get_data(as_text=True)
    assert "Burns care,1,0,1,0" in supply or "burns" in supply.lower()
    assert client.get("/embassy/dashboard/nothing.csv").status_code == 404
    book = load_workbook(io.BytesIO(client.get(f"/embassy/dashboard/tables.xlsx?{Q3}").data))
    assert len(book.sheetnames) == 6               # the officer: the programme sheet too
    funnel = book.worksheets[0]
    assert "2026-Q3" in funnel.cell(1, 1).value
    assert [c.value for c in funnel[3]][:2] == ["Proposed", 4]
    activity = [list(r) for r in book.worksheets[4].iter_rows(values_only=True)]
    assert activity[-1] == ["September 2026", 1, 0, 0]


@pytest.mark.parametrize("language, words", [
    ("uk", ("Квартальний звіт", "Воронка партнерств", "Рекомендовано", "75")),
    ("kk", ("тоқсандық есебі", "Серіктестік шұңқыры", "Ұсынылды", "75")),
    ("en", ("Quarterly report", "Partnership funnel", "Proposed", "75")),
])
def test_the_report_pdf_speaks_the_chosen_language(client, login_as, world, language, words):
    login_as(Role.EMBASSY_OFFICER)
    response = client.get(f"/embassy/dashboard/report.pdf?{Q3}&language={language}")
    assert response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    for word in words:
        assert word in text, (language, word)
    assert "2026-Q3" in text


def _count_queries(app, client, path):
    statements = []

    def before(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(statements)


def _grow(start, count):
    for n in range(start, start + count):
        ua = OrganisationFactory(region="ua_odesa")
        kz = OrganisationFactory(country=Country.KZ, region="kz_karaganda")
        need = ItemFactory(organisation=ua, direction=Direction.NEED, urgency="low",
                           area="oncology")
        offer = ItemFactory(organisation=kz, area="oncology")
        partnership = Partnership(reference=f"UA-KZ-G-{n}", ukrainian_organisation_id=ua.id,
                                  kazakh_organisation_id=kz.id, created_at=at(8, 1))
        db.session.add(partnership)
        db.session.flush()
        _match(need, offer, at(7, 2), at(7, 3), at(7, 4), at(7, 5), partnership)
    db.session.commit()


def test_the_dashboard_runs_a_fixed_number_of_queries(app, client, login_as):
    login_as(Role.EMBASSY_OFFICER)
    _grow(0, 2)
    few = _count_queries(app, client, f"/embassy/dashboard?{Q3}")
    _grow(2, 12)
    many = _count_queries(app, client, f"/embassy/dashboard?{Q3}")
    assert few == many, (few, many)


def test_decisions_stamp_each_step_of_the_funnel_once(app):
    """Interest, mutual interest and vetting are stamped by the matching service when they
    happen (the funnel's times from migration 0016 on)."""
    from partnership.matching import decisions
    from partnership.matching.services import propose_matches
    from partnership.partnerships import services as partnerships

    from .test_matching import pair as make_pair  # noqa: F401 - the same world
    from .test_matching import the_match

    world = make_pair.__wrapped__(app)
    propose_matches()
    match = the_match(world)
    assert (match.interest_at, match.mutual_at, match.vetted_at) == (None, None, None)
    decisions.express_interest(world["ua_manager"], match)
    first = match.interest_at
    assert first is not None and match.mutual_at is None
    decisions.express_interest(world["kz_manager"], match)
    assert match.interest_at == first and match.mutual_at is not None
    partnerships.vet_match(world["officer"], match)
    db.session.commit()
    assert match.vetted_at is not None and match.vetted_at >= match.mutual_at >= first


def test_supply_and_demand_are_counted_by_the_matching_run(app, client, login_as):
    """The page reads supply and demand as the last matching run counted them (a fixed, small
    read whatever the number of items) and says when; before any run it says so."""
    from partnership.matching.services import propose_matches

    from .test_matching import pair as make_pair

    make_pair.__wrapped__(app)
    db.session.commit()
    assert stored_supply_and_demand() == ([], None)
    login_as(Role.EMBASSY_OFFICER)
    page = client.get(f"/embassy/dashboard?{Q3}").get_data(as_text=True)
    assert "Matching has not counted supply and demand yet" in page
    before = utcnow()
    propose_matches()
    db.session.commit()
    stored, as_of = stored_supply_and_demand()
    assert stored and sorted(stored) == sorted(supply_and_demand(utcnow().date()))
    assert as_of is not None and as_of >= before.replace(microsecond=0) - timedelta(seconds=1)
    page = client.get(f"/embassy/dashboard?{Q3}").get_data(as_text=True)
    assert "As counted by the last matching run" in page
    assert "Matching has not counted supply and demand yet" not in page
