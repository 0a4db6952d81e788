"""The directory's full-text search: lemmas and concepts across four languages, ranking,
highlighting, typos, and an index that follows every change (issue 14, items 1 and 2)."""

import os
import re

import pytest
from sqlalchemy import func, select

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations import fulltext
from partnership.organisations.imports import import_items, import_organisations
from partnership.organisations.models import Item, Organisation

from ..conftest import log_in, post_form
from ..factories import ItemFactory, OrganisationFactory, UserFactory
from .test_import_safety import ITEM as IMPORT_ITEM
from .test_import_safety import ORG as IMPORT_ORG
from .test_import_safety import table

POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))
CARD = re.compile(r'<li class="org-card">\s*<h2><a href="/organisations/\d+">(.*?)</a></h2>', re.S)


def found(client, query: str, **filters) -> list[str]:
    """The names on the first page of results, best first, with the marks taken out."""
    response = client.get("/organisations", query_string={"q": query, **filters})
    assert response.status_code == 200
    return [re.sub(r"</?mark>", "", name) for name in CARD.findall(response.get_data(as_text=True))]


@pytest.fixture
def rehabilitation(app):
    OrganisationFactory(name_en="Kharkiv Children", description="Реабілітація дітей після травм.")
    OrganisationFactory(name_en="Lviv Centre", description="We offer rehabilitation after burns.")
    OrganisationFactory(name_en="Astana Centre", description="Балаларды оңалту орталығы.")
    OrganisationFactory(name_en="Almaty Clinic", description="Реабилитация взрослых пациентов.")
    OrganisationFactory(name_en="Odesa Oncology", description="Онкологія та хіміотерапія.")
    return {"Kharkiv Children", "Lviv Centre", "Astana Centre", "Almaty Clinic"}


@pytest.mark.parametrize("query", ["реабілітація", "реабілітації", "реабилитация",
                                   "rehabilitation", "оңалту", "Реабілітацією"])
def test_every_spelling_finds_the_same_organisations(client, rehabilitation, query):
    assert set(found(client, query)) == rehabilitation


def test_a_concept_in_a_phrase_and_a_lemma_in_another_case(client, app):
    OrganisationFactory(name_en="Heart Centre", description="Жүрек хирургиясы бөлімшесі.")
    OrganisationFactory(name_en="Eye Centre", description="Офтальмологія.")
    assert found(client, "кардіохірургія") == ["Heart Centre"]
    assert found(client, "cardiac surgery") == ["Heart Centre"]


def test_the_item_descriptions_and_areas_are_searched(client, app):
    organisation = OrganisationFactory(name_en="Quiet Hospital")
    ItemFactory(organisation=organisation, area="neonatology",
                description="Навчання медсестер догляду за недоношеними дітьми")
    OrganisationFactory(name_en="Other Hospital")
    assert found(client, "nurses") == ["Quiet Hospital"]
    assert found(client, "неонатология") == ["Quiet Hospital"]


def test_a_name_match_ranks_above_a_description_match(client, app):
    OrganisationFactory(name_en="City Hospital",
                        description="Rehabilitation, rehabilitation and more rehabilitation.")
    OrganisationFactory(name_en="Rehabilitation Institute", description="A hospital.")
    OrganisationFactory(name_en="Astana Rehabilitation Clinic", description="")
    names = found(client, "реабілітація")
    assert set(names[:2]) == {"Rehabilitation Institute", "Astana Rehabilitation Clinic"}
    assert names[2] == "City Hospital"


def test_filters_keep_the_ranking_of_the_words(client, app):
    """With filters, PostgreSQL ranks only the organisations they leave: the order among them
    is the one the words alone give."""
    from partnership.organisations.models import Country, Direction

    for n, (name, description, country) in enumerate([
            ("Rehabilitation Institute", "", Country.UA),
            ("Astana Rehabilitation Clinic", "", Country.KZ),
            ("City Hospital", "Rehabilitation after burns.", Country.UA),
            ("Steppe Hospital", "Rehabilitation of children.", Country.KZ),
            ("Unrelated Hospital", "Oncology.", Country.UA)]):
        organisation = OrganisationFactory(name_en=name, description=description, country=country)
        ItemFactory(organisation=organisation, area="burns_care" if n % 2 == 0 else "oncology",
                    direction=Direction.OFFER)
    everything = found(client, "rehabilitation")
    assert everything.index("Rehabilitation Institute") < everything.index("City Hospital")
    ukrainian_burns = found(client, "rehabilitation", country="UA", area="burns_care")
    assert ukrainian_burns == ["Rehabilitation Institute", "City Hospital"]
    assert found(client, "rehabilitation", country="KZ") == [
        name for name in everything if name in {"Astana Rehabilitation Clinic", "Steppe Hospital"}]
    assert found(client, "rehabilitation", country="KZ", area="burns_care") == []


def test_a_search_sorted_by_name_keeps_only_its_listed_matches(client, app):
    """A reader's own sort orders the matches (on PostgreSQL the words only filter then)."""
    OrganisationFactory(name_en="Rehabilitation Zeta", description="")
    OrganisationFactory(name_en="Alpha Clinic", description="Rehabilitation after burns.")
    OrganisationFactory(name_en="Beta Oncology", description="Oncology.")
    OrganisationFactory(name_en="Gamma Rehabilitation", public_listing=False)
    expected = ["Alpha Clinic", "Rehabilitation Zeta"]
    for query in ("rehabilitation", "rehabilitaton"):   # the second only with typos tolerated
        assert found(client, query, sort="name") == expected, query
        assert found(client, query, sort="name", order="desc") == expected[::-1], query


def test_matches_are_highlighted_and_the_text_escaped(client, app):
    OrganisationFactory(name_en="Rehabilitation <b>Centre</b>",
                        description="<script>alert(1)</script> Реабілітація дітей & дорослих")
    html = client.get("/organisations?q=rehabilitation").get_data(as_text=True)
    assert "<mark>Rehabilitation</mark> &lt;b&gt;Centre&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Реабілітація</mark> дітей &amp;" in html
    assert "<script>alert(1)" not in html and "<b>Centre" not in html


def test_a_query_that_is_only_markup_or_stop_words_lists_everything_safely(client, app):
    OrganisationFactory(name_en="Any Hospital")
    for query in ['"<mark>', "AND OR NOT", "* : ^ {names}", "та і and", "'; DROP TABLE x; --"]:
        response = client.get("/organisations", query_string={"q": query})
        assert response.status_code == 200, query
        assert "<mark>" not in response.get_data(as_text=True).split("<main", 1)[-1] \
            .replace('value="&#34;&lt;mark&gt;"', "")


def test_typos_are_tolerated(client, app):
    OrganisationFactory(name_en="Mykolaiv Regional Hospital", name_uk="Миколаївська лікарня",
                        description="Physiotherapy and rehabilitation.")
    OrganisationFactory(name_en="Odesa Hospital", name_uk="Одеська лікарня")
    assert found(client, "rehabilitaton") == ["Mykolaiv Regional Hospital"]
    assert found(client, "реабилитацыя") == ["Mykolaiv Regional Hospital"]
    if POSTGRES:  # pg_trgm: a letter wrong in the middle of a name
        assert found(client, "Mikolaev") == ["Mykolaiv Regional Hospital"]


@pytest.mark.skipif(not POSTGRES, reason="SQLite tolerates typos by prefix, not by word list")
def test_a_new_organisations_words_are_there_for_typos_at_once(client, app):
    """PostgreSQL corrects a misspelt word among the index's words (``search_word``): a name
    saved a moment ago is among them, and a word like nothing indexed finds nothing."""
    OrganisationFactory(name_en="Odesa Hospital", name_uk="Одеська лікарня")
    assert found(client, "Zhytonyr") == []
    OrganisationFactory(name_en="Zhytomyr Burns Centre", name_uk="Житомирський опіковий центр")
    assert found(client, "Zhytonyr") == ["Zhytomyr Burns Centre"]
    assert found(client, "Zhytonyr qwxzvy") == []


def document_of(organisation_id: int) -> str:
    row = db.session.execute(select(fulltext.search_document.c.names,
                                    fulltext.search_document.c.body)
                             .where(fulltext.search_document.c.organisation_id
                                    == organisation_id)).one_or_none()
    return " ".join(row) if row else ""


def test_the_index_follows_profile_edits(client, app):
    organisation = OrganisationFactory(name_en="Before", description="Онкологія")
    log_in(client, UserFactory(role=Role.ORG_MANAGER, organisation=organisation))
    assert found(client, "oncology") == ["Before"]
    response = post_form(client, f"/organisations/{organisation.id}/edit", {
        "kind": "hospital", "name_uk": "Лікарня", "name_kk": "", "name_en": "After",
        "name_ru": "", "region": "ua_kyiv_city", "city": "Київ", "languages": ["uk"],
        "beds": "", "staff": "", "description": "Кардіологія дорослих",
        "contact_name": "Х", "contact_email": "x@x.example", "contact_phone": "",
        "website": "", "public_listing": "y"})
    assert response.status_code == 302
    assert found(client, "oncology") == []
    assert found(client, "cardiology") == ["After"]


def test_a_search_finds_only_listed_organisations_and_follows_each_change(client, app):
    """The ranking reads the listing's condition from the search documents (migration 0029):
    an organisation that leaves the public directory (its manager's choice, a suspension) leaves
    its searches at once, typos included, and comes back with it."""
    from partnership.organisations import verification
    from partnership.organisations.models import Status

    listed = OrganisationFactory(name_en="Oncology Centre", description="Онкологія")
    OrganisationFactory(name_en="Pending Oncology", status=Status.PENDING)
    OrganisationFactory(name_en="Private Oncology", public_listing=False)
    assert found(client, "oncology") == ["Oncology Centre"]
    assert found(client, "oncolgy") == ["Oncology Centre"]   # typos: another statement
    log_in(client, UserFactory(role=Role.ORG_MANAGER, organisation=listed))
    profile = {
        "kind": "hospital", "name_uk": "Лікарня", "name_kk": "", "name_en": "Oncology Centre",
        "name_ru": "", "region": "ua_kyiv_city", "city": "Київ", "languages": ["uk"],
        "beds": "", "staff": "", "description": "Онкологія",
        "contact_name": "Х", "contact_email": "x@x.example", "contact_phone": "",
        "website": ""}
    response = post_form(client, f"/organisations/{listed.id}/edit", profile)   # not public
    assert response.status_code == 302
    assert found(client, "oncology") == []
    assert found(client, "oncolgy") == []
    post_form(client, f"/organisations/{listed.id}/edit", {**profile, "public_listing": "y"})
    assert found(client, "oncology") == ["Oncology Centre"]
    officer = UserFactory(role=Role.EMBASSY_OFFICER)
    verification.decide(officer, db.session.get(Organisation, listed.id), "suspend", "Checks")
    db.session.commit()
    assert found(client, "oncology") == []
    assert found(client, "oncology", country="UA") == []
    verification.decide(officer, db.session.get(Organisation, listed.id), "reinstate")
    db.session.commit()
    assert found(client, "oncology", country="UA") == ["Oncology Centre"]
    assert found(client, "oncology", country="KZ") == []


def test_the_index_follows_new_edited_and_withdrawn_items(client, app):
    organisation = OrganisationFactory(name_en="Burns Unit")
    log_in(client, UserFactory(role=Role.ORG_MANAGER, organisation=organisation))
    values = {"area": "burns_care", "form": "training", "dimension": "professional",
              "description": "Пересадка шкіри після опіків", "quantity": "2",
              "urgency": "high", "languages": ["uk"], "valid_until": ""}
    post_form(client, f"/organisations/{organisation.id}/items/new/need", values)
    assert found(client, "skin graft") == ["Burns Unit"]
    item = db.session.scalar(select(Item))
    post_form(client, f"/organisations/{organisation.id}/items/{item.id}/edit",
              {**values, "description": "Дефібрилятори для відділення"})
    assert found(client, "skin graft") == []
    assert found(client, "defibrillator") == ["Burns Unit"]
    post_form(client, f"/organisations/{organisation.id}/items/{item.id}/withdraw", {})
    assert found(client, "defibrillator") == []


def test_the_index_follows_imports(client, app):
    report = import_organisations(None, table({**IMPORT_ORG, "name_en": "Imported Hospital"}),
                                  "orgs.csv")
    assert report.ok, report.errors
    report = import_items(None, table({**IMPORT_ITEM, "description": "Навчання з телемедицини"}),
                          "items.csv")
    assert report.ok, report.errors
    db.session.commit()
    organisation_id = db.session.scalar(select(Organisation.id))
    assert "importedhospital" not in document_of(organisation_id)   # words, not one token
    assert {"imported", "hospit", "zctelemedicine"} <= set(document_of(organisation_id).split())


def test_a_deleted_organisation_leaves_the_index(app):
    organisation = OrganisationFactory(name_en="Gone")
    assert document_of(organisation.id)
    db.session.delete(organisation)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(fulltext.search_document)) == 0


def test_reindex_search_rebuilds_every_document(app):
    first = OrganisationFactory(name_en="First", description="Онкологія")
    OrganisationFactory(name_en="Second")
    db.session.execute(fulltext.search_document.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reindex-search"])
    assert result.exit_code == 0, result.output
    assert "2 organisation(s) indexed" in result.output
    assert "zconcology" in document_of(first.id)
