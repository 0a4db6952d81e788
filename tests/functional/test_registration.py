"""Registering an organisation: checks, confirmation by e-mail, no account enumeration."""

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from partnership.auth.models import User
from partnership.core.models import OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations.models import Organisation, Status

from ..conftest import log_in, post_form
from ..factories import OrganisationFactory, UserFactory

LINK = re.compile(r"http://localhost(/\S+)")


def form(**overrides):
    data = {
        "country": "UA", "registry_code": "14360570", "kind": "childrens_hospital",
        "name_uk": "Миколаївська обласна дитяча лікарня", "name_kk": "", "name_en":
        "Mykolaiv Regional Children's Hospital", "name_ru": "", "region": "ua_mykolaiv",
        "city": "Миколаїв", "languages": ["uk", "en"], "beds": "420", "staff": "900",
        "description": "Багатопрофільна дитяча лікарня.", "contact_name": "Олена Коваль",
        "contact_email": "partners@mykolaiv-child.example", "contact_phone": "+380 512 00 00 00",
        "website": "https://mykolaiv-child.example", "open_to_cooperation": "y",
        "public_listing": "y", "manager_name": "Олена Коваль",
        "manager_email": "olena@mykolaiv-child.example", "password": "дитяча лікарня 2026",
        "confirm": "дитяча лікарня 2026"}
    data.update(overrides)
    return data


def test_registration_creates_a_pending_organisation_after_e_mail_confirmation(app, client):
    response = post_form(client, "/register", form())
    assert response.status_code == 302 and response.headers["Location"] == "/register/sent"
    organisation = db.session.scalar(select(Organisation))
    assert organisation.status == Status.PENDING and organisation.registry_code == "14360570"
    manager = db.session.scalar(select(User))
    assert manager.role == Role.ORG_MANAGER and manager.organisation_id == organisation.id
    assert not manager.active  # until the address is confirmed
    assert log_in(client, manager, "дитяча лікарня 2026").status_code == 200
    mail = db.session.scalar(select(OutboxEmail))
    path = LINK.search(mail.body).group(1)
    assert post_form(client, path, {}).status_code == 302
    assert log_in(client, manager, "дитяча лікарня 2026").status_code == 302
    page = client.get(f"/organisations/{organisation.id}/manage").get_data(as_text=True)
    assert "Waiting for verification" in page
    assert client.get(path).status_code == 404  # single use


def test_officers_hear_of_a_confirmed_registration(client):
    UserFactory(role=Role.EMBASSY_OFFICER, email="officer@embassy.example")
    post_form(client, "/register", form())
    path = LINK.search(db.session.scalar(select(OutboxEmail)).body).group(1)
    post_form(client, path, {})
    recipients = db.session.scalars(select(OutboxEmail.recipient)).all()
    assert "officer@embassy.example" in recipients


@pytest.mark.parametrize(("overrides", "field_text"), [
    ({"registry_code": "14360571"}, "valid check digit"),
    ({"country": "KZ", "registry_code": "14360570", "region": "kz_astana", "name_kk": "Х"},
     "A BIN has 12 digits"),
    ({"name_uk": ""}, "The name in the country's own language is required."),
    ({"region": "kz_astana"}, "Choose a region of the organisation's country."),
    ({"password": "password1234", "confirm": "password1234"}, "too common"),
    ({"kind": "business"}, "Businesses and charities taking part are Kazakh"),
])
def test_a_broken_rule_is_explained_and_nothing_typed_is_lost(client, overrides, field_text):
    response = post_form(client, "/register", form(**overrides))
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert field_text in html
    assert 'value="Миколаїв"' in html and "Багатопрофільна дитяча лікарня." in html
    assert 'value="olena@mykolaiv-child.example"' in html
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_a_registry_code_is_registered_once(client):
    OrganisationFactory(registry_code="14360570")
    response = post_form(client, "/register", form())
    assert "already registered" in response.get_data(as_text=True)


def test_an_existing_e_mail_gets_the_same_answer_and_a_warning_by_mail(client):
    UserFactory(email="olena@mykolaiv-child.example", locale="en")
    response = post_form(client, "/register", form())
    assert response.status_code == 302 and response.headers["Location"] == "/register/sent"
    assert db.session.scalar(select(func.count(Organisation.id))) == 0
    mail = db.session.scalar(select(OutboxEmail))
    assert mail.recipient == "olena@mykolaiv-child.example"
    assert "already have an account" in mail.body


def test_kazakh_registration_with_a_bin(client):
    response = post_form(client, "/register", form(
        country="KZ", registry_code="971 240 001 315", region="kz_mangystau", city="Ақтау",
        name_uk="", name_kk="Ақтау қалалық оңалту орталығы", kind="rehabilitation_centre",
        manager_email="aigerim@aktau-rehab.example"))
    assert response.status_code == 302
    organisation = db.session.scalar(select(Organisation))
    assert organisation.registry_code == "971240001315" and organisation.country == "KZ"


def test_registration_is_rate_limited(make_app):
    app = make_app(RATE_LIMIT_REGISTER="2 per hour")
    client = app.test_client()
    for n in range(2):
        post_form(client, "/register", form(registry_code="1", manager_email=f"{n}@x.example"))
    assert post_form(client, "/register", form()).status_code == 429
