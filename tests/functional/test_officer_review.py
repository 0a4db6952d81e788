"""The officer's review of a registration: who registered and when, the e-mail confirmation,
the registry code's check, the history, possible duplicates and the next registration."""

import re
from datetime import timedelta
from html import unescape

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from partnership.core.access import AccessDenied
from partnership.core.database import utcnow
from partnership.core.models import OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations import review
from partnership.organisations.models import Country, Kind, Organisation, Status

from ..conftest import post_form
from ..factories import OrganisationFactory, UserFactory, edrpou
from .test_registration import form

LINK = re.compile(r"http://localhost(/\S+)")


def _page(client, organisation_id: int) -> str:
    response = client.get(f"/embassy/organisations/{organisation_id}")
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def _register(client) -> Organisation:
    assert post_form(client, "/register", form()).status_code == 302
    return db.session.scalar(select(Organisation).where(
        Organisation.registry_code == "14360570"))


def test_the_page_shows_who_registered_and_whether_the_address_is_confirmed(
        app, client, login_as):
    visitor = app.test_client()
    organisation = _register(visitor)
    login_as(Role.EMBASSY_OFFICER)
    officer_client = client
    page = _page(officer_client, organisation.id)
    assert "Олена Коваль" in page and "olena@mykolaiv-child.example" in page
    assert "E-mail address not confirmed yet; the link is valid until" in page
    assert "Registered" in page
    path = LINK.search(db.session.scalar(select(OutboxEmail)).body).group(1)
    assert post_form(visitor, path, {}).status_code == 302
    page = _page(officer_client, organisation.id)
    assert "E-mail address confirmed" in page
    assert "not confirmed" not in page


def test_the_registry_code_check_says_why(app):
    with force_locale("en"):
        _check_codes()


def _check_codes():
    valid = review.check_code(Country.UA, "14360570")
    assert valid.valid and "check digit" in valid.explanation
    wrong = review.check_code(Country.UA, "14360571")
    assert not wrong.valid and "check digit" in wrong.explanation
    kazakh = review.check_code(Country.KZ, "14360570")
    assert not kazakh.valid and "EDRPOU" in kazakh.explanation


def test_the_history_lists_the_decisions_with_their_reasons(client, login_as):
    login_as(Role.EMBASSY_OFFICER)
    organisation = OrganisationFactory(status=Status.PENDING)
    post_form(client, f"/embassy/organisations/{organisation.id}/decide/return",
              {"reason": "Додайте назву англійською."})
    page = _page(client, organisation.id)
    history = page[page.index('id="history-heading"'):]
    assert "Returned for changes" in history and "Додайте назву англійською." in history


def test_possible_duplicates_are_listed_with_the_reasons(client, login_as):
    login_as(Role.EMBASSY_OFFICER)
    code = edrpou(4242)
    typo = code[:3] + code[4] + code[3] + code[5:]   # two neighbours swapped
    organisation = OrganisationFactory(
        status=Status.PENDING, registry_code=code, name_uk="КНП «Миколаївська обласна дитяча "
        "лікарня»", name_en="Mykolaiv Regional Children's Hospital", city="Миколаїв",
        kind=Kind.CHILDRENS_HOSPITAL, contact_email="a@one.example")
    same_name_other_script = OrganisationFactory(
        name_uk=None, name_kk="Мыколайив облыстық балалар ауруханасы", name_en=None,
        city="Мыколайив", kind=Kind.HOSPITAL, contact_email="b@two.example")
    near_code = OrganisationFactory(registry_code=typo, name_uk="Зовсім інша установа",
                                    name_en="Something else", city="Одеса",
                                    contact_email="c@three.example")
    same_city_and_kind = OrganisationFactory(name_uk="Дитяча лікарня №2", name_en=None,
                                             city="Миколаїв", kind=Kind.CHILDRENS_HOSPITAL,
                                             contact_email="d@four.example")
    unrelated = OrganisationFactory(name_uk="Обласна лікарня", city="Миколаїв",
                                    kind=Kind.CLINIC, contact_email="e@five.example")
    same_address = OrganisationFactory(name_uk="Інша назва", name_en="Other name",
                                       city="Львів", contact_email="A@one.example")
    with force_locale("en"):
        found = {s.organisation.id: s.reasons
                 for s in review.similar_organisations(organisation)}
    assert any("similar name" in r for r in found[same_name_other_script.id])
    assert any("one typo away" in r for r in found[near_code.id])
    assert any("same kind" in r for r in found[same_city_and_kind.id])
    assert any("same contact e-mail" in r for r in found[same_address.id])
    assert unrelated.id not in found and organisation.id not in found
    page = _page(client, organisation.id)
    assert "Possible duplicates" in page and "one typo away" in page


def test_next_pending_goes_through_the_queue_oldest_first(client, login_as):
    login_as(Role.EMBASSY_OFFICER)
    now = utcnow()
    first, second, third = (OrganisationFactory(status=Status.PENDING,
                                                created_at=now - timedelta(days=days))
                            for days in (3, 2, 1))
    OrganisationFactory(status=Status.VERIFIED, created_at=now - timedelta(days=2, hours=1))
    assert review.next_pending(first) == second.id
    assert review.next_pending(second) == third.id
    assert review.next_pending(third) == first.id  # the last one leads back to the oldest
    page = _page(client, first.id)
    assert f'href="/embassy/organisations/{second.id}"' in page
    assert "Next registration waiting for verification" in page


def test_only_the_embassy_reviews(app):
    manager = UserFactory(role=Role.ORG_MANAGER)
    organisation = OrganisationFactory(status=Status.PENDING)
    with pytest.raises(AccessDenied):
        review.review_of(manager, organisation)


def test_near_codes_are_one_typo_away():
    near = review.near_codes("12345678")
    assert "12345679" in near and "21345678" in near and "12345678" not in near
    assert "11345679" not in near
