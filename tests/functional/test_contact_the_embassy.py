""""Contact the embassy": a CSRF-protected, rate-limited form that reaches the officers' "My
work", tells each officer in their language, and leaves "My work" once marked answered."""

from html import unescape

import pytest
from sqlalchemy import select

from partnership.core.models import OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.helpdesk.models import ContactMessage
from partnership.notifications.models import Notification

from ..conftest import log_in, post_form
from ..factories import UserFactory
from .test_my_work import entries

MESSAGE = {"name": "Айгерім Серікова", "email": "aigerim@clinic.example",
           "subject": "Тіркеу туралы сұрақ", "body": "Біздің клиника қалай тіркеледі?"}


def test_a_visitor_writes_and_every_officer_is_told_in_their_language(app, client):
    kazakh = UserFactory(role=Role.EMBASSY_OFFICER, locale="kk", email="kk@embassy.example")
    english = UserFactory(role=Role.EMBASSY_OFFICER, locale="en", email="en@embassy.example")
    UserFactory(role=Role.EMBASSY_OFFICER, active=False, email="gone@embassy.example")
    UserFactory(role=Role.ORG_MANAGER, email="manager@hospital.example")
    response = post_form(client, "/contact", MESSAGE)
    assert response.status_code == 302 and response.headers["Location"] == "/contact/sent"
    message = db.session.scalar(select(ContactMessage))
    assert message.email == "aigerim@clinic.example" and message.sender_id is None
    told = {n.user_id for n in db.session.scalars(select(Notification))}
    assert told == {kazakh.id, english.id}
    mails = {m.recipient: m for m in db.session.scalars(select(OutboxEmail))}
    assert set(mails) == {"kk@embassy.example", "en@embassy.example"}
    assert mails["en@embassy.example"].subject.startswith("A message to the embassy:")
    assert "Тіркеу туралы сұрақ" in mails["kk@embassy.example"].subject
    assert mails["kk@embassy.example"].subject != mails["en@embassy.example"].subject


def test_the_form_refuses_a_post_without_its_csrf_token(client):
    response = client.post("/contact", data=MESSAGE)
    assert response.status_code == 400
    assert db.session.scalar(select(ContactMessage)) is None


def test_the_form_keeps_what_was_typed_when_a_field_is_wrong(client):
    response = post_form(client, "/contact", {**MESSAGE, "email": "not an address"})
    assert response.status_code == 422
    page = unescape(response.get_data(as_text=True))
    assert "This is not an e-mail address." in page
    assert "Тіркеу туралы сұрақ" in page and "Біздің клиника қалай тіркеледі?" in page
    assert 'value="not an address"' in page
    assert db.session.scalar(select(ContactMessage)) is None


def test_the_form_is_rate_limited_per_address(make_app):
    app = make_app(RATE_LIMIT_CONTACT="2 per hour")
    with app.app_context():
        client = app.test_client()
        for n in range(2):
            assert post_form(client, "/contact", {**MESSAGE, "subject": f"№{n}"}
                             ).status_code == 302
        assert post_form(client, "/contact", MESSAGE).status_code == 429
        assert len(db.session.scalars(select(ContactMessage)).all()) == 2


def test_a_signed_in_user_finds_the_form_filled_with_their_name_and_address(client, login_as):
    login_as(Role.ORG_MANAGER, full_name="Олена Коваль", email="olena@hospital.example")
    page = unescape(client.get("/contact").get_data(as_text=True))
    assert 'value="Олена Коваль"' in page and 'value="olena@hospital.example"' in page
    post_form(client, "/contact", {**MESSAGE, "name": "Олена Коваль",
                                   "email": "olena@hospital.example"})
    message = db.session.scalar(select(ContactMessage))
    assert message.sender is not None and message.sender.email == "olena@hospital.example"


def test_the_message_is_on_the_officers_my_work_until_marked_answered(app, client, login_as):
    visitor = app.test_client()
    post_form(visitor, "/contact", MESSAGE)
    message = db.session.scalar(select(ContactMessage))
    login_as(Role.EMBASSY_OFFICER)
    shown = entries(client)["contact_messages"]
    assert shown["count"] == 1 and shown["href"] == f"/embassy/messages/{message.id}"
    page = unescape(client.get(shown["href"]).get_data(as_text=True))
    assert "Біздің клиника қалай тіркеледі?" in page and "aigerim@clinic.example" in page
    response = post_form(client, f"/embassy/messages/{message.id}/answered", {})
    assert response.status_code == 302
    assert "contact_messages" not in entries(client)
    db.session.refresh(message)
    assert message.answered_at is not None
    answered = unescape(client.get("/embassy/messages?answered=1").get_data(as_text=True))
    assert "Тіркеу туралы сұрақ" in answered


def test_people_outside_the_embassy_never_read_the_messages(app, client):
    post_form(app.test_client(), "/contact", MESSAGE)
    message = db.session.scalar(select(ContactMessage))
    manager = UserFactory(role=Role.ORG_MANAGER)
    log_in(client, manager)
    assert client.get(f"/embassy/messages/{message.id}").status_code == 403
    assert post_form(client, f"/embassy/messages/{message.id}/answered", {}
                     ).status_code == 403
    assert db.session.get(ContactMessage, message.id).answered_at is None


def test_help_is_linked_from_the_footer_and_from_my_work(client, login_as):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/help"' in page and 'href="/contact"' in page
    login_as(Role.EMBASSY_OFFICER)
    work = client.get("/my-work").get_data(as_text=True)
    assert 'href="/help/officer"' in work
    guide = unescape(client.get("/help/officer").get_data(as_text=True))
    assert "Next registration" in guide
    assert client.get("/help/nobody").status_code == 404


@pytest.mark.parametrize(("role", "slug"), [(Role.ORG_MANAGER, "organisation"),
                                            (Role.CENTRE_STAFF, "centre"),
                                            (Role.PROGRAMME_COORDINATOR, "coordinator"),
                                            (Role.ADMIN, "admin")])
def test_every_role_finds_its_own_guide_on_my_work(client, login_as, role, slug):
    login_as(role)
    assert f'href="/help/{slug}"' in client.get("/my-work").get_data(as_text=True)
    assert client.get(f"/help/{slug}").status_code == 200


def test_the_centres_guide_names_what_its_staff_see_and_not_more(client):
    guide = unescape(client.get("/help/centre").get_data(as_text=True))
    assert "My centre's children" in guide and "Surnames and documents stay with" in guide
