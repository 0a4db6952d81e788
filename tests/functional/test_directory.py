"""The public directory: who is listed, filters, search across scripts, contacts, queries."""

import re

import pytest
from sqlalchemy import event

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations.models import Country, Direction, Kind, Status

from ..conftest import log_in
from ..factories import ItemFactory, OrganisationFactory, UserFactory


def names(client, query: str = "") -> str:
    """The page, with the search's highlight marks taken out (they split a matched name)."""
    html = client.get("/organisations" + query).get_data(as_text=True)
    return html.replace("<mark>", "").replace("</mark>", "")


def test_only_verified_organisations_that_opted_in_are_listed(client):
    OrganisationFactory(name_en="Listed Hospital")
    OrganisationFactory(name_en="Hidden Hospital", public_listing=False)
    OrganisationFactory(name_en="Pending Hospital", status=Status.PENDING)
    OrganisationFactory(name_en="Suspended Hospital", status=Status.SUSPENDED)
    html = names(client)
    assert "Listed Hospital" in html
    for hidden in ("Hidden Hospital", "Pending Hospital", "Suspended Hospital"):
        assert hidden not in html


def test_filters(client):
    ua = OrganisationFactory(name_en="Kyiv Burns Centre", kind=Kind.HOSPITAL)
    ItemFactory(organisation=ua, area="burns_care", direction=Direction.OFFER)
    kz = OrganisationFactory(country=Country.KZ, name_en="Astana Rehab",
                             kind=Kind.REHABILITATION_CENTRE, region="kz_astana")
    ItemFactory(organisation=kz, area="burns_care", direction=Direction.NEED,
                urgency="high")
    assert "Astana Rehab" not in names(client, "?country=UA")
    assert "Kyiv Burns Centre" not in names(client, "?country=KZ")
    assert "Kyiv Burns Centre" not in names(client, "?region=kz_astana")
    assert "Astana Rehab" not in names(client, "?kind=hospital")
    html = names(client, "?area=burns_care&direction=need")
    assert "Astana Rehab" in html and "Kyiv Burns Centre" not in html
    assert "Astana Rehab" not in names(client, "?area=oncology")


@pytest.mark.parametrize("query", ["Mykolaiv", "миколаїв", "MYKOLAIV", "Mykolayiv", "Миколаїв"])
def test_search_finds_names_in_either_script(client, query):
    OrganisationFactory(name_uk="Миколаївська обласна лікарня", name_en="Regional Hospital",
                        city="Миколаїв", name_kk="Николаев облыстық ауруханасы")
    OrganisationFactory(name_uk="Одеська лікарня", name_en="Odesa Hospital", city="Одеса")
    html = names(client, f"?q={query}")
    assert "Regional Hospital" in html
    assert "Odesa Hospital" not in html


def test_search_in_cyrillic_finds_latin_names(client):
    OrganisationFactory(name_uk="Лікарня", name_kk="Аурухана", name_en="Pavlodar Heart Clinic",
                        city="Pavlodar")
    OrganisationFactory(name_en="Almaty Clinic", city="Almaty")
    html = names(client, "?q=Павлодар")
    assert "Pavlodar Heart Clinic" in html and "Almaty Clinic" not in html


def test_contacts_only_for_verified_members_and_the_embassy(app, client):
    organisation = OrganisationFactory(contact_email="secret-contact@hospital.example")
    page = f"/organisations/{organisation.id}"
    assert "secret-contact@hospital.example" not in client.get(page).get_data(as_text=True)
    pending = OrganisationFactory(status=Status.PENDING)
    someone = UserFactory(role=Role.ORG_MANAGER, organisation=pending)
    log_in(client, someone)
    assert "secret-contact@hospital.example" not in client.get(page).get_data(as_text=True)
    verified_member = UserFactory(role=Role.ORG_MEMBER, organisation=OrganisationFactory())
    other = app.test_client()
    log_in(other, verified_member)
    assert "secret-contact@hospital.example" in other.get(page).get_data(as_text=True)


def test_a_hidden_organisation_page_is_404_for_visitors(client):
    hidden = OrganisationFactory(public_listing=False)
    assert client.get(f"/organisations/{hidden.id}").status_code == 404


def test_pages_of_the_directory(client):
    for n in range(45):
        OrganisationFactory(name_en=f"Numbered Hospital {n:02d}")
    first = names(client)
    assert "45 organisations found." in first and 'rel="next"' in first
    third = names(client, "?page=3")
    assert third.count("Numbered Hospital") == 5


def test_ukrainian_organisations_come_first_across_pages(client):
    kazakh = [OrganisationFactory(name_en=f"Steppe Clinic {n:02d}", country=Country.KZ)
              for n in range(12)]
    ukrainian = [OrganisationFactory(name_en=f"Dnipro Hospital {n:02d}") for n in range(25)]
    first, second = names(client), names(client, "?page=2")
    assert first.count("Dnipro Hospital") == 20 and "Steppe Clinic" not in first
    # Page 2: the last five Ukrainian ones in the order they registered, then the Kazakh ones.
    order = [f"Dnipro Hospital {n:02d}" for n in range(20, 25)] + [
        f"Steppe Clinic {n:02d}" for n in range(10)]
    positions = [second.index(name) for name in order]
    assert positions == sorted(positions)
    assert len(kazakh) + len(ukrainian) == 37 and "37 organisations found." in second


def test_a_search_past_its_last_page_still_counts_and_does_not_guess(client):
    for n in range(25):
        OrganisationFactory(name_en=f"Numbered Hospital {n:02d}")
    beyond = names(client, "?q=Numbered&page=4")
    assert "25 organisations found." in beyond and "Numbered Hospital" not in beyond
    assert "Page 4 of 2" in beyond   # the pager says where the reader is, and goes back
    # Without words: a count apart (a country), and the window's own fallback (a kind).
    for filters in ("?country=UA&page=3", "?kind=hospital&page=3"):
        plain = names(client, filters)
        assert "25 organisations found." in plain and "Numbered Hospital" not in plain, filters


def test_a_card_shows_each_current_area_once_and_nothing_withdrawn_or_expired(client):
    from datetime import date, timedelta

    from partnership.organisations.models import ItemStatus

    organisation = OrganisationFactory(name_en="Chip Counting Hospital")
    ItemFactory.create_batch(2, organisation=organisation, area="burns_care")
    ItemFactory(organisation=organisation, area="oncology", direction=Direction.NEED,
                urgency="low")
    ItemFactory(organisation=organisation, area="cardiology", status=ItemStatus.WITHDRAWN)
    ItemFactory(organisation=organisation, area="neurology",
                valid_until=date.today() - timedelta(days=1))
    page = client.get("/organisations").get_data(as_text=True)   # in English (the client)
    card = page[page.index("Chip Counting Hospital"):]
    card = card[:card.index("</li>")]
    assert card.count("chip--offer") == 1 and "Burns care" in card
    assert card.count("chip--need") == 1 and "Oncology" in card
    assert "Cardiology" not in card and "Neurology" not in card


def count_queries(app, client, path: str) -> int:
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


@pytest.mark.parametrize("path", ["/organisations", "/organisations?area=burns_care",
                                  "/organisations?q=hospital"])
def test_list_pages_run_a_fixed_number_of_queries(app, client, path):
    def populate(count):
        for n in range(count):
            organisation = OrganisationFactory(name_en=f"Hospital {n}")
            ItemFactory(organisation=organisation, area="burns_care")
            ItemFactory(organisation=organisation, area="oncology", direction=Direction.NEED,
                        urgency="low")

    populate(3)
    few = count_queries(app, client, path)
    populate(15)
    many = count_queries(app, client, path)
    assert few == many, (few, many)
    assert many <= 5   # the page's four at most, and the cache's generation (directory_cache)


def test_the_embassy_queue_runs_a_fixed_number_of_queries(app, client, login_as):
    login_as(Role.EMBASSY_OFFICER)
    for _ in range(3):
        OrganisationFactory(status=Status.PENDING)
    few = count_queries(app, client, "/embassy/organisations")
    for _ in range(20):
        OrganisationFactory(status=Status.PENDING)
    assert count_queries(app, client, "/embassy/organisations") == few


@pytest.mark.parametrize(("language", "shown"), [("kk", "Николаев"), ("en", "Mykolaiv"),
                                                 ("uk", "Миколаїв")])
def test_a_listed_city_is_shown_in_the_readers_language(client, language, shown):
    OrganisationFactory(name_en="Port Hospital", city="Миколаїв", region="ua_mykolaiv")
    OrganisationFactory(name_en="Village Clinic", city="Новий Буг", region="ua_mykolaiv")
    page = client.get("/organisations", headers={"Accept-Language": language}).get_data(
        as_text=True)
    meta = re.findall(r'<p class="org-card__meta">(.*?)</p>', page)
    assert any(f"· {shown}," in line for line in meta), meta
    assert any("· Новий Буг," in line for line in meta)   # not listed: as it was typed
