"""Password reset, invitations and password change through the real pages."""

import re
from datetime import timedelta

from sqlalchemy import select, update

from partnership.auth.models import User, UserToken
from partnership.core.database import utcnow
from partnership.core.models import OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db

from ..conftest import log_in, post_form
from ..factories import DEFAULT_PASSWORD, UserFactory

LINK = re.compile(r"http://localhost(/\S+)")


def outbox():
    return db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()


def link_in(mail) -> str:
    return LINK.search(mail.body).group(1)


def test_reset_request_answers_the_same_for_known_and_unknown_addresses(client):
    UserFactory(email="known@example.org")
    known = post_form(client, "/password/reset", {"email": "known@example.org"})
    unknown = post_form(client, "/password/reset", {"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert client.get("/login").get_data(as_text=True).count("If an account uses this address") \
        <= 1
    # Both addresses get an e-mail (the same work on both paths); only the account's has a link.
    mails = outbox()
    assert [m.recipient for m in mails] == ["known@example.org", "unknown@example.org"]
    assert "/password/reset/" in mails[0].body
    assert "/password/reset/" not in mails[1].body and "no active account" in mails[1].body


def test_reset_link_works_once_and_ends_sessions(app, client):
    user = UserFactory()
    other = app.test_client()
    log_in(other, user)
    post_form(client, "/password/reset", {"email": user.email})
    path = link_in(outbox()[0])
    assert client.get(path).status_code == 200
    response = post_form(client, path, {"password": "new and long passphrase",
                                        "confirm": "new and long passphrase"})
    assert response.status_code == 302
    assert other.get("/account").status_code == 302        # the old session is gone
    assert client.get(path).status_code == 404             # single use
    assert log_in(client, user, "new and long passphrase").status_code == 302


def test_reset_link_expires_after_an_hour(client):
    user = UserFactory()
    post_form(client, "/password/reset", {"email": user.email})
    path = link_in(outbox()[0])
    token = db.session.scalar(select(UserToken))
    assert token.expires_at - token.created_at == timedelta(hours=1)
    db.session.execute(update(UserToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(path).status_code == 404


def test_reset_keeps_what_was_typed_and_explains_a_weak_password(client):
    user = UserFactory()
    post_form(client, "/password/reset", {"email": user.email})
    path = link_in(outbox()[0])
    response = post_form(client, path, {"password": "password1234", "confirm": "password1234"},
                         headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "too common" in html
    assert client.get(path).status_code == 200  # the link was not used up


def test_reset_mail_goes_out_in_the_users_language(client):
    UserFactory(email="kz@example.org", locale="kk")
    post_form(client, "/password/reset", {"email": "kz@example.org"})
    mail = outbox()[0]
    assert mail.subject != "Reset your password"  # translated, not the English source


def test_admin_invites_a_user_who_sets_a_password(app, client, login_as):
    admin = login_as(Role.ADMIN)
    response = post_form(client, "/admin/users/new", {
        "email": "New.Person@Example.org", "full_name": "Нова Людина", "role": "org_manager",
        "locale": "uk"})
    assert response.status_code == 302
    invited = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert invited.password_hash is None and invited.role == Role.ORG_MANAGER
    path = link_in(outbox()[0])
    visitor = app.test_client()
    page = visitor.get(path).get_data(as_text=True)
    assert "new.person@example.org" in page
    response = post_form(visitor, path, {"full_name": "Нова Людина", "password":
                                         "мій новий пароль", "confirm": "мій новий пароль"})
    assert response.status_code == 302
    assert visitor.get(path).status_code == 404
    assert log_in(visitor, invited, "мій новий пароль").status_code == 302
    assert admin.id != invited.id


def test_invited_user_cannot_sign_in_before_accepting(client, login_as):
    login_as(Role.ADMIN)
    post_form(client, "/admin/users/new", {"email": "p@example.org", "full_name": "P",
                                            "role": "org_member", "locale": "en"})
    post_form(client, "/logout", {})
    user = db.session.scalar(select(User).where(User.email == "p@example.org"))
    assert log_in(client, user, "").status_code == 200


def test_change_password_needs_the_current_one(client):
    user = UserFactory()
    log_in(client, user)
    response = post_form(client, "/account/password", {
        "current_password": "not the current one", "password": "another long passphrase",
        "confirm": "another long passphrase"}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "The current password is not right." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert log_in(client.application.test_client(), user).status_code == 302


def test_change_password_refuses_mismatch_and_keeps_the_form(client):
    log_in(client, UserFactory())
    response = post_form(client, "/account/password", {
        "current_password": DEFAULT_PASSWORD, "password": "another long passphrase",
        "confirm": "different long passphrase"}, headers={"Accept-Language": "en"})
    assert "The passwords differ." in response.get_data(as_text=True)


def test_reset_links_take_their_host_from_the_settings_never_from_the_request(make_app):
    """A forged Host header must not turn the e-mailed link into someone else's address."""
    app = make_app(PUBLIC_BASE_URL="https://partnerships.example.org")
    client = app.test_client()
    with app.app_context():
        UserFactory(email="known@example.org")
    forged = {"base_url": "http://evil.example"}
    page = client.get("/password/reset", **forged).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)[1]
    response = client.post("/password/reset", data={"email": "known@example.org",
                                                    "csrf_token": token}, **forged)
    assert response.status_code == 302
    with app.app_context():
        body = outbox()[0].body
    assert "https://partnerships.example.org/password/reset/" in body
    assert "evil.example" not in body
