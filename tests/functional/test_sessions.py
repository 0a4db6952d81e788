"""Server-side sessions: revocable, rotated at sign-in, timed out, with safe cookies."""

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select, update

from partnership.auth.sessions import AuthSession
from partnership.core.database import utcnow
from partnership.core.roles import Role
from partnership.extensions import db

from ..conftest import log_in, post_form
from ..factories import DEFAULT_PASSWORD, UserFactory

COOKIE = "pp_session"


def session_cookie(client):
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def test_signing_in_creates_a_server_session_and_an_opaque_cookie(client):
    user = UserFactory()
    assert session_cookie(client) is None
    log_in(client, user)
    token = session_cookie(client)
    assert token and "." not in token  # a random token, not signed data
    row = db.session.scalar(select(AuthSession))
    assert row.user_id == user.id and row.id != token


def test_a_cookie_captured_before_log_out_no_longer_works(app, client):
    user = UserFactory()
    log_in(client, user)
    captured = session_cookie(client)
    post_form(client, "/logout", {})
    thief = app.test_client()
    thief.set_cookie(COOKIE, captured)
    assert thief.get("/account").status_code == 302
    assert db.session.scalar(select(func.count(AuthSession.id))) == 0


def test_a_new_session_identifier_at_sign_in(app, client):
    user = UserFactory()
    log_in(client, user)
    first = session_cookie(client)
    post_form(client, "/logout", {})
    log_in(client, user)
    assert session_cookie(client) != first


def test_a_planted_session_cookie_is_not_adopted_at_sign_in(app, client):
    client.set_cookie(COOKIE, "attacker-chosen-value")
    log_in(client, UserFactory())
    assert session_cookie(client) != "attacker-chosen-value"


def test_password_change_ends_the_other_sessions(app, client):
    user = UserFactory()
    other = app.test_client()
    log_in(other, user)
    log_in(client, user)
    response = post_form(client, "/account/password", {
        "current_password": DEFAULT_PASSWORD, "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_deactivation_ends_sessions_at_once(app, client, login_as):
    member = UserFactory()
    member_client = app.test_client()
    log_in(member_client, member)
    assert member_client.get("/account").status_code == 200
    login_as(Role.ADMIN)
    response = post_form(client, f"/admin/users/{member.id}",
                         {"full_name": member.full_name, "role": "org_member"})  # active unticked
    assert response.status_code == 200
    assert 'name="confirmed" value="1"' in response.get_data(as_text=True)
    assert member_client.get("/account").status_code == 200     # asked first: nothing yet
    response = post_form(client, f"/admin/users/{member.id}",
                         {"full_name": member.full_name, "role": "org_member", "confirmed": "1"})
    assert response.status_code == 302
    assert member_client.get("/account").status_code == 302


@pytest.mark.parametrize(("role", "idle_minutes", "alive"), [
    (Role.ORG_MEMBER, 29, True),
    (Role.ORG_MEMBER, 31, False),
    (Role.PROGRAMME_COORDINATOR, 14, True),
    (Role.PROGRAMME_COORDINATOR, 16, False),
])
def test_idle_time_out_by_role(client, role, idle_minutes, alive):
    secret = pyotp.random_base32() if role == Role.PROGRAMME_COORDINATOR else None
    user = UserFactory(role=role, totp_secret=secret)
    log_in(client, user, secret=secret)
    db.session.execute(update(AuthSession).values(
        last_seen_at=utcnow() - timedelta(minutes=idle_minutes)))
    db.session.commit()
    assert (client.get("/account").status_code == 200) is alive


def test_absolute_time_out_of_twelve_hours(client):
    log_in(client, UserFactory())
    too_old = utcnow() - timedelta(hours=12, seconds=1)
    db.session.execute(update(AuthSession).values(created_at=too_old))
    db.session.commit()
    response = client.get("/account")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(AuthSession.id))) == 0


def test_activity_keeps_the_session_alive(client):
    log_in(client, UserFactory())
    db.session.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=20)))
    db.session.commit()
    assert client.get("/account").status_code == 200
    seen = db.session.scalar(select(AuthSession.last_seen_at))
    assert utcnow() - seen < timedelta(minutes=1)


def test_cookie_flags_in_development(client):
    response = log_in(client, UserFactory())
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "=")]
    assert len(cookies) == 1
    assert "HttpOnly" in cookies[0] and "SameSite=Lax" in cookies[0]
    assert "Secure" not in cookies[0]  # development runs on plain http://127.0.0.1


def test_cookies_are_secure_outside_development(make_app):
    app = make_app(ENV_NAME="production", SECRET_KEY="p" * 40,
                   PUBLIC_BASE_URL="https://partnerships.example.org")
    with app.app_context():
        email = UserFactory().email
    client = app.test_client()
    response = client.post("/login", base_url="https://localhost", data={
        "email": email, "password": DEFAULT_PASSWORD,
        "csrf_token": _token(client)}, headers={"Referer": "https://localhost/login"})
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE)]
    assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c
                           for c in cookies)


def _token(client):
    from ..conftest import CSRF_RE

    html = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    return CSRF_RE.search(html).group(1)


def test_password_change_gives_the_current_session_a_new_identifier(app, client):
    log_in(client, UserFactory())
    before = session_cookie(client)
    post_form(client, "/account/password", {
        "current_password": DEFAULT_PASSWORD, "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    after = session_cookie(client)
    assert after and after != before
    thief = app.test_client()
    thief.set_cookie(COOKIE, before)
    assert thief.get("/account").status_code == 302
    assert client.get("/account").status_code == 200


def test_a_signed_in_page_reads_the_user_once_with_its_session(app, client):
    """The session's row and its user come in one statement; neither Flask-Login's loader nor
    the response's headers read the user again."""
    from sqlalchemy import event

    log_in(client, UserFactory(full_name="Ivan Petrenko"))
    client.get("/help")
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    html = client.get("/help").get_data(as_text=True)
    assert "Ivan Petrenko" in html
    users = [s for s in statements if "FROM app_user" in s or "JOIN app_user" in s]
    assert len(users) == 1 and "auth_session" in users[0], statements


def test_a_signed_in_organisation_page_reads_the_organisation_with_the_session(app, client):
    """The organisation of the person signed in comes with the session's statement: the check
    for rejected organisations and the organisation's own pages do not read it again."""
    from sqlalchemy import event

    from ..factories import OrganisationFactory

    organisation = OrganisationFactory()
    log_in(client, UserFactory(role=Role.ORG_MANAGER, organisation_id=organisation.id))
    path = f"/organisations/{organisation.id}/proposals"
    assert client.get(path).status_code == 200
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    assert client.get(path).status_code == 200
    reads = [s for s in statements if ("FROM organisation" in s or "JOIN organisation" in s)
             and "match" not in s]   # the proposals' own statement brings the partners
    assert len(reads) == 1 and "auth_session" in reads[0], reads
