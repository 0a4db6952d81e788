"""The half-finished sign-in (password given, second factor awaited) lives on the server, expires
after five minutes and completes once; new recovery codes and setting up two-step sign-in ask for
the password again."""

import base64
import json
import zlib
from datetime import timedelta

import pyotp
from sqlalchemy import select

from partnership.auth import services
from partnership.auth.models import RecoveryCode, User
from partnership.auth.sessions import ANONYMOUS_COOKIE
from partnership.auth.totp import hash_recovery_code
from partnership.core.database import utcnow
from partnership.core.models import AuditEvent
from partnership.core.roles import Role
from partnership.extensions import db

from ..conftest import post_form
from ..factories import DEFAULT_PASSWORD, UserFactory

EXPIRED = "Your sign-in took too long. Please start again."
WRONG_PASSWORD = "The current password is not right."


def visitor_cookie_text(client) -> str:
    """What anyone holding the visitor cookie can read in it (it is signed, not encrypted)."""
    value = client.get_cookie(ANONYMOUS_COOKIE).value
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def integers_in(value) -> set[int]:
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return {value}
    if isinstance(value, dict):
        return set().union(*(integers_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(integers_in(v) for v in value)) if value else set()
    return set()


def password_step(client, user):
    return post_form(client, "/login", {"email": user.email, "password": DEFAULT_PASSWORD})


def add_recovery_code(user, code: str) -> None:
    db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_recovery_code(code)))
    db.session.commit()


# --- the pending sign-in ---------------------------------------------------------------------

def test_the_visitor_cookie_names_no_one_during_a_pending_sign_in(client):
    secret = pyotp.random_base32()
    user = UserFactory(role=Role.ADMIN, totp_secret=secret, email="officer.a@example.org")
    assert password_step(client, user).headers["Location"] == "/login/verify"
    text = visitor_cookie_text(client)
    assert user.email not in text and "officer.a" not in text
    assert user.id not in integers_in(json.loads(text)), text
    assert '"uid"' not in text
    # Still works: the server knows who is waiting.
    assert post_form(client, "/login/verify",
                     {"code": pyotp.TOTP(secret).now()}).status_code == 302


def test_the_secret_being_enrolled_at_sign_in_stays_on_the_server(client):
    user = UserFactory(role=Role.ADMIN, email="new.admin@example.org")
    assert password_step(client, user).headers["Location"] == "/login/enrol"
    page = client.get("/login/enrol").get_data(as_text=True)
    secret = page.split('class="secret">')[1].split("<")[0]
    text = visitor_cookie_text(client)
    assert secret not in text and user.email not in text
    assert user.id not in integers_in(json.loads(text)), text
    response = post_form(client, "/login/enrol", {"code": pyotp.TOTP(secret).now()})
    assert "Your recovery codes" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 200


def test_an_expired_pending_sign_in_is_refused(app, client):
    assert app.config["PENDING_LOGIN_TIMEOUT"] == timedelta(minutes=5)
    secret = pyotp.random_base32()
    user = UserFactory(role=Role.ADMIN, totp_secret=secret)
    password_step(client, user)
    app.config["PENDING_LOGIN_TIMEOUT"] = timedelta(0)  # five minutes have passed
    response = post_form(client, "/login/verify", {"code": pyotp.TOTP(secret).now()},
                         follow_redirects=True)
    assert EXPIRED in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_a_pending_sign_in_completes_once(app, client):
    """A copy of the visitor cookie taken before the code step is worthless afterwards."""
    secret = pyotp.random_base32()
    user = UserFactory(role=Role.ADMIN, totp_secret=secret)
    add_recovery_code(user, "abcd-efgh-jkmn")
    password_step(client, user)
    thief = app.test_client()
    thief.set_cookie(ANONYMOUS_COOKIE, client.get_cookie(ANONYMOUS_COOKIE).value)
    assert post_form(client, "/login/verify",
                     {"code": pyotp.TOTP(secret).now()}).status_code == 302
    response = post_form(thief, "/login/verify", {"code": "abcd-efgh-jkmn"},
                         follow_redirects=True)
    assert EXPIRED in response.get_data(as_text=True)
    assert thief.get("/account").status_code == 302


def test_a_pending_sign_in_in_the_old_readable_form_is_not_honoured(client):
    """A cookie from before the change (user id in clear) or any other odd value: back to the
    log-in page, never a 500."""
    user = UserFactory(role=Role.ADMIN, totp_secret=pyotp.random_base32())
    for odd in ({"uid": user.id, "at": utcnow().isoformat(), "next": ""}, 12, "", ["x"], "x" * 40):
        with client.session_transaction() as session:
            session["pending_login"] = odd
        response = client.get("/login/verify")
        assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_a_password_reset_cancels_pending_sign_ins(app, client):
    secret = pyotp.random_base32()
    user = UserFactory(role=Role.ADMIN, totp_secret=secret)
    password_step(client, user)
    token = services.issue_token(user, services.TokenPurpose.PASSWORD_RESET, timedelta(hours=1))
    services.reset_password(token, "a completely new passphrase")
    db.session.commit()
    response = post_form(client, "/login/verify", {"code": pyotp.TOTP(secret).now()},
                         follow_redirects=True)
    assert EXPIRED in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


# --- the password again for new recovery codes and for two-step set-up ------------------------

def code_hashes(user_id: int) -> list[str]:
    return sorted(db.session.scalars(select(RecoveryCode.code_hash)
                                     .where(RecoveryCode.user_id == user_id)))


def audited(action: str) -> int:
    return len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_new_recovery_codes_need_the_password_again(client, login_as):
    user = login_as(Role.ADMIN)
    add_recovery_code(user, "abcd-efgh-jkmn")
    before = code_hashes(user.id)
    for password in ("", "not my password at all"):
        response = post_form(client, "/account/recovery-codes", {"current_password": password})
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Your recovery codes" not in page
        assert 'id="current_password-error"' in page  # next to the field
        assert code_hashes(user.id) == before  # nothing changed
    assert WRONG_PASSWORD in page
    assert audited("auth.recovery_codes_issued") == 0
    assert audited("auth.reauthentication_refused") == 1
    response = post_form(client, "/account/recovery-codes", {"current_password": DEFAULT_PASSWORD})
    assert "Your recovery codes" in response.get_data(as_text=True)
    assert len(code_hashes(user.id)) == 10 and code_hashes(user.id) != before


def test_setting_up_two_step_sign_in_needs_the_password_again(client, login_as):
    user = login_as(Role.ORG_MANAGER)
    page = client.get("/account/two-step").get_data(as_text=True)
    assert 'name="current_password"' in page
    secret = page.split('class="secret">')[1].split("<")[0]
    for password in ("", "not my password at all"):
        response = post_form(client, "/account/two-step",
                             {"code": pyotp.TOTP(secret).now(), "current_password": password})
        assert response.status_code == 200
        assert "Your recovery codes" not in response.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(User, user.id).totp_secret is None  # nothing changed
    assert WRONG_PASSWORD in response.get_data(as_text=True)
    response = post_form(client, "/account/two-step", {"code": pyotp.TOTP(secret).now(),
                                                       "current_password": DEFAULT_PASSWORD})
    assert "Your recovery codes" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret


def test_the_password_asked_again_is_rate_limited(app, client, login_as):
    app.config["RATE_LIMIT_REAUTH"] = "3 per 15 minutes"
    user = login_as(Role.ADMIN)
    before = code_hashes(user.id)
    statuses = [post_form(client, "/account/recovery-codes",
                          {"current_password": "not my password at all"}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Even the right password waits now, on both forms (they share one budget per user).
    assert post_form(client, "/account/recovery-codes",
                     {"current_password": DEFAULT_PASSWORD}).status_code == 429
    assert post_form(client, "/account/two-step",
                     {"current_password": DEFAULT_PASSWORD, "code": "123456"}).status_code == 429
    assert code_hashes(user.id) == before
    assert audited("auth.reauthentication_refused") == 3
