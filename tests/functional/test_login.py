"""Signing in and out through the real pages."""

import pyotp
from sqlalchemy import func, select

from partnership.auth.models import LoginFailure, RecoveryCode
from partnership.auth.totp import hash_recovery_code
from partnership.core.models import AuditEvent
from partnership.core.roles import Role
from partnership.extensions import db

from ..conftest import csrf_token, log_in, post_form
from ..factories import DEFAULT_PASSWORD, UserFactory

GENERIC_ERROR = "The e-mail or the password is not right."


def audit_actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_member_signs_in_and_out(client):
    user = UserFactory(role=Role.ORG_MEMBER)
    response = log_in(client, user)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    response = post_form(client, "/logout", {})
    assert response.status_code == 302
    assert client.get("/account").status_code == 302
    assert audit_actions() == ["auth.login", "auth.logout"]


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    UserFactory(email="known@example.org")
    wrong = post_form(client, "/login", {"email": "known@example.org", "password": "x" * 14})
    unknown = post_form(client, "/login", {"email": "nobody@example.org", "password": "x" * 14})
    assert wrong.status_code == unknown.status_code == 200
    for response in (wrong, unknown):
        assert GENERIC_ERROR in response.get_data(as_text=True)
    strip = lambda r: r.get_data(as_text=True).replace("known@", "").replace("nobody@", "")  # noqa: E731
    # Same page but for the e-mail typed back into the form and the CSRF token.
    assert len(strip(wrong)) == len(strip(unknown))
    assert audit_actions() == ["auth.login_failed", "auth.login_failed"]


def test_account_locks_after_ten_failures_even_with_the_right_password(client, app):
    user = UserFactory()
    for _ in range(10):
        post_form(client, "/login", {"email": user.email, "password": "wrong password!!"})
    assert db.session.scalar(select(func.count(LoginFailure.id))) == 10
    response = post_form(client, "/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_lock_is_stored_in_the_database_and_holds_in_another_process(make_app):
    first = make_app()
    with first.app_context():
        user = UserFactory()
        email = user.email
    client = first.test_client()
    for _ in range(10):
        post_form(client, "/login", {"email": email, "password": "wrong password!!"})
    other = make_app()  # another worker: its own memory, same database
    with other.app_context():
        response = post_form(other.test_client(), "/login",
                             {"email": email, "password": DEFAULT_PASSWORD})
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_unknown_addresses_lock_the_same_way(client):
    for _ in range(10):
        post_form(client, "/login", {"email": "ghost@example.org", "password": "wrong password!!"})
    response = post_form(client, "/login", {"email": "ghost@example.org", "password": "x" * 13})
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_success_clears_failures(client):
    user = UserFactory()
    for _ in range(9):
        post_form(client, "/login", {"email": user.email, "password": "wrong password!!"})
    assert log_in(client, user).status_code == 302
    assert db.session.scalar(select(func.count(LoginFailure.id))) == 0


def test_inactive_user_cannot_sign_in(client):
    user = UserFactory(active=False)
    response = log_in(client, user)
    assert response.status_code == 200
    assert GENERIC_ERROR in response.get_data(as_text=True)


def test_officer_needs_a_second_factor(client):
    secret = pyotp.random_base32()
    user = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret)
    response = post_form(client, "/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/login/verify"
    assert client.get("/account").status_code == 302  # not signed in yet
    response = post_form(client, "/login/verify", {"code": "000000"})
    assert "That code is not right" in response.get_data(as_text=True)
    response = post_form(client, "/login/verify", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_totp_code_cannot_be_replayed(client, make_app):
    secret = pyotp.random_base32()
    user = UserFactory(role=Role.ADMIN, totp_secret=secret)
    code = pyotp.TOTP(secret).now()
    post_form(client, "/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert post_form(client, "/login/verify", {"code": code}).status_code == 302
    other = client.application.test_client()
    post_form(other, "/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    response = post_form(other, "/login/verify", {"code": code})
    assert response.status_code == 200
    assert "already been used" in response.get_data(as_text=True)


def test_recovery_code_works_once(client):
    user = UserFactory(role=Role.PROGRAMME_COORDINATOR, totp_secret=pyotp.random_base32())
    db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_recovery_code("abcd-efgh-jkmn")))
    db.session.commit()
    post_form(client, "/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert post_form(client, "/login/verify", {"code": "ABCD-EFGH-JKMN"}).status_code == 302
    post_form(client, "/logout", {})
    post_form(client, "/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert post_form(client, "/login/verify", {"code": "abcd-efgh-jkmn"}).status_code == 200


def test_required_role_without_totp_must_enrol_before_signing_in(client):
    user = UserFactory(role=Role.ADMIN)
    response = post_form(client, "/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/login/enrol"
    page = client.get("/login/enrol").get_data(as_text=True)
    assert "<svg" in page  # the QR code, inline
    secret = page.split('class="secret">')[1].split("<")[0]
    response = post_form(client, "/login/enrol", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    assert "Your recovery codes" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.totp_secret == secret
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 10
    assert client.get("/account").status_code == 200


def test_pending_login_cannot_reach_protected_pages(client):
    user = UserFactory(role=Role.ADMIN, totp_secret=pyotp.random_base32())
    post_form(client, "/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert client.get("/admin/users").status_code == 302


def test_csrf_token_is_required_for_login(client):
    user = UserFactory()
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert csrf_token(client)
