"""The directory's rendered pages kept between requests (organisations/directory_cache.py): served
again while nothing changed, never after a change, never with anything of the person who asked."""

from datetime import timedelta

from sqlalchemy import event

from partnership.core.database import utcnow
from partnership.core.kept import Kept
from partnership.extensions import db
from partnership.organisations import directory, directory_cache, fulltext
from partnership.organisations.directory_cache import LOOKUPS
from partnership.organisations.models import Direction, Status

from ..conftest import log_in, tokens_apart
from ..factories import ItemFactory, OrganisationFactory, UserFactory


def hits() -> float:
    return LOOKUPS.labels("hit")._value.get()


def page(client, query: str = "") -> str:
    """The page, with the search's highlight marks taken out (they split a matched name)."""
    html = client.get("/organisations" + query).get_data(as_text=True)
    return html.replace("<mark>", "").replace("</mark>", "")


def test_a_page_asked_again_is_served_from_the_cache_without_searching(app, client):
    OrganisationFactory(name_en="Lviv Burns Centre")
    first = page(client, "?q=Lviv&country=UA")
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    before = hits()
    again = page(client, "?q=Lviv&country=UA")
    assert hits() == before + 1
    assert tokens_apart(again) == tokens_apart(first) and "Lviv Burns Centre" in again
    # Only the generation is read: no search, no count, no organisation.
    assert not [s for s in statements if "search_fts" in s or "search_document" in s
                or "FROM organisation" in s]


def test_a_changed_name_shows_at_once(client):
    organisation = OrganisationFactory(name_en="Old Name Hospital")
    assert "Old Name Hospital" in page(client)
    organisation.name_en = "New Name Hospital"
    db.session.commit()
    html = page(client)
    assert "New Name Hospital" in html and "Old Name Hospital" not in html


def test_a_new_item_and_a_verification_show_at_once(client):
    organisation = OrganisationFactory(name_en="Kharkiv Hospital")
    pending = OrganisationFactory(name_en="Pending Clinic", status=Status.PENDING)
    assert "Pending Clinic" not in page(client)
    assert "Kharkiv Hospital" not in page(client, "?area=burns_care")
    ItemFactory(organisation=organisation, area="burns_care", direction=Direction.OFFER)
    pending.status = Status.VERIFIED
    db.session.commit()
    assert "Kharkiv Hospital" in page(client, "?area=burns_care")
    assert "Pending Clinic" in page(client)


def test_each_change_counts_once_in_its_own_transaction(app):
    start = fulltext.generation(db.session.connection())
    organisation = OrganisationFactory()
    after_one = fulltext.generation(db.session.connection())
    ItemFactory(organisation=organisation)
    assert after_one > start
    assert fulltext.generation(db.session.connection()) > after_one
    db.session.rollback()
    unchanged = fulltext.generation(db.session.connection())
    organisation.description = "Not saved"
    db.session.flush()
    db.session.rollback()
    assert fulltext.generation(db.session.connection()) == unchanged


def test_an_item_expiring_at_midnight_leaves_the_next_days_page(client, monkeypatch):
    organisation = OrganisationFactory(name_en="Dnipro Hospital")
    ItemFactory(organisation=organisation, area="oncology", direction=Direction.NEED,
                valid_until=utcnow().date())
    assert "Dnipro Hospital" in page(client, "?area=oncology")
    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr(directory, "utcnow", lambda: tomorrow)
    monkeypatch.setattr(directory_cache, "utcnow", lambda: tomorrow)
    assert "Dnipro Hospital" not in page(client, "?area=oncology")


def test_each_language_and_each_address_has_its_own_page(client):
    OrganisationFactory(name_uk="Одеська лікарня", name_en="Odesa Hospital")

    def in_language(language: str) -> str:
        return client.get("/organisations", headers={"Accept-Language": language}
                          ).get_data(as_text=True)

    assert "Каталог організацій" in in_language("uk") and "Одеська лікарня" in in_language("uk")
    assert "Directory of organisations" in in_language("en")
    assert "Odesa Hospital" in in_language("en") and "Одеська лікарня" not in in_language("en")
    # The same filters in another order: the pager's links keep the order they were given in.
    assert 'country=UA&amp;kind=hospital' in page(client, "?country=UA&kind=hospital&page=1")
    assert 'kind=hospital&amp;country=UA' in page(client, "?kind=hospital&country=UA&page=1")


def test_nothing_of_the_person_who_asked_is_kept(app, client):
    OrganisationFactory(name_en="Listed Hospital")
    manager = UserFactory(full_name="Olena Kovalenko")
    log_in(client, manager)
    signed_in = page(client)
    assert "Olena Kovalenko" in signed_in
    token = signed_in.split('name="csrf_token" value="')[1].split('"')[0]
    before = hits()
    anonymous = app.test_client()
    html = page(anonymous)
    assert hits() == before + 1            # the same part, kept
    assert "Listed Hospital" in html
    assert "Olena Kovalenko" not in html and token not in html


def test_no_cache_when_none_is_wanted(make_app):
    app = make_app(DIRECTORY_CACHE_ENTRIES=0)
    client = app.test_client()
    with app.app_context():
        OrganisationFactory(name_en="Listed Hospital")
        before = hits()
        page(client)
        page(client)
        assert hits() == before


def test_the_least_recently_used_page_goes_first():
    kept = Kept(2)
    kept.put(("a",), "A")
    kept.put(("b",), "B")
    assert kept.get(("a",)) == "A"      # a is now the most recent
    kept.put(("c",), "C")
    assert kept.get(("b",)) is None
    assert kept.get(("a",)) == "A" and kept.get(("c",)) == "C"
    assert len(kept) == 2
