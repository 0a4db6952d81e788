"""Defences: headers, caching, size limit, redirects, rate limits, error pages, health check."""

import os
import uuid

import pytest
import redis

from partnership.core.roles import Role

from ..conftest import csrf_token, log_in, post_form, require_service
from ..factories import UserFactory

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_security_headers_on_every_response(client):
    for path in ("/", "/login", "/no-such-page", "/healthz"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        for part in ("default-src 'self'", "object-src 'none'", "base-uri 'none'",
                     "frame-ancestors 'none'"):
            assert part in csp, (path, part)
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in client.get("/").headers  # development: plain http


def test_no_inline_script_in_pages(client, login_as):
    login_as(Role.ADMIN)
    for path in ("/", "/account", "/admin/users", "/admin/audit"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " on" + "click=" not in html
        assert 'src="/static/js/app.js"' in html


def test_hsts_outside_development(make_app):
    app = make_app(ENV_NAME="production", SECRET_KEY="p" * 40,
                   PUBLIC_BASE_URL="https://partnerships.example.org")
    headers = app.test_client().get("/", base_url="https://localhost").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_of_signed_in_users_are_not_stored(client):
    asset = client.get("/static/css/app.css")
    asset.close()
    assert "no-store" not in asset.headers.get("Cache-Control", "")  # shared files may be kept
    log_in(client, UserFactory())
    assert client.get("/account").headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_a_signed_in_response_is_private_without_loading_the_user_again(app):
    """After the unit of work's commit the user's columns are expired: deciding that the
    response is private must not read them (a query on every signed-in request)."""
    from flask import Response, g
    from flask_login import AnonymousUserMixin
    from sqlalchemy import event

    from partnership.core import security
    from partnership.extensions import db

    active, deactivated = UserFactory(), UserFactory(active=False)
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for user, private in ((active, True), (deactivated, True), (AnonymousUserMixin(), False)):
        with app.test_request_context("/"):
            g._login_user = user
            db.session.commit()   # as the request's end does, before the headers are added
            assert security._private(Response()) is private
    assert statements == []


def test_request_size_limit(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    response = client.post("/login", data={"csrf_token": csrf_token(client), "email": "x" * 5000})
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_next_never_leaves_the_site(client, target):
    user = UserFactory()
    response = post_form(client, "/login", {"email": user.email, "password":
                                            "correct horse battery staple", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/my-work"  # where a sign-in lands without next
    response = post_form(client, "/language", {"language": "en", "next": target})
    assert response.headers["Location"] == "/"


def test_next_within_the_site_is_followed(client):
    user = UserFactory()
    response = post_form(client, "/login", {"email": user.email, "password":
                                            "correct horse battery staple",
                                            "next": "/account/password"})
    assert response.headers["Location"] == "/account/password"


def test_login_rate_limit_answers_429_with_when_to_retry(make_app):
    app = make_app(RATE_LIMIT_LOGIN="3 per minute")
    client = app.test_client()
    for _ in range(3):
        assert post_form(client, "/login", {"email": "a@b.cd", "password": "x" * 12}
                         ).status_code == 200
    response = post_form(client, "/login", {"email": "a@b.cd", "password": "x" * 12})
    assert response.status_code == 429
    retry = int(response.headers["Retry-After"])
    assert 0 < retry <= 60
    assert "You can try again in" in response.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # reading the form is not limited


def test_reset_rate_limit(make_app):
    app = make_app(RATE_LIMIT_RESET="2 per hour")
    client = app.test_client()
    for _ in range(2):
        post_form(client, "/password/reset", {"email": "someone@example.org"})
    assert post_form(client, "/password/reset", {"email": "x@example.org"}).status_code == 429


def test_rate_limits_are_shared_through_redis_when_configured(make_app):
    try:
        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        connection.ping()
    except redis.RedisError as error:
        require_service("Redis", str(error))
    connection.flushdb()
    # Two workers with the same REDIS_URL share the count; memory storage would not.
    settings = {"REDIS_URL": REDIS_URL, "RATELIMIT_STORAGE_URI": REDIS_URL,
                "RATE_LIMIT_LOGIN": "2 per minute"}
    first, second = make_app(**settings), make_app(**settings)
    address = {"REMOTE_ADDR": f"10.9.{uuid.uuid4().int % 250}.1"}
    for app in (first, second):
        client = app.test_client()
        client.environ_base.update(address)
        assert post_form(client, "/login", {"email": "a@b.cd", "password": "x" * 12}
                         ).status_code == 200
    client = second.test_client()
    client.environ_base.update(address)
    assert post_form(client, "/login", {"email": "a@b.cd", "password": "x" * 12}
                     ).status_code == 429
    connection.flushdb()


def test_error_pages_speak_the_users_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "kk"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="kk">' in html
    assert "Page not found" not in html
    response = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert "Page not found" in response.get_data(as_text=True)


def test_server_error_page_shows_no_stack_trace(make_app, caplog):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong on our side" in html
    assert "Traceback" not in html and "secret internal detail" not in html


@pytest.mark.parametrize("code", [400, 403, 404, 409, 413, 429, 500])
def test_every_error_page_exists(app, code):
    from partnership.core.errors import render_error

    with app.test_request_context("/", headers={"Accept-Language": "uk"}):
        body, status = render_error(code)
    assert status == code
    assert f"{code}" in body


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "up"}


def test_health_check_reports_a_dead_database(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 1}})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "down"


def test_production_database_errors_do_not_repeat_the_values(make_app):
    """Free text in a failed statement (a note about a child) stays out of SQLAlchemy's error
    messages. (The database's own text can still quote a value, e.g. PostgreSQL's "Failing row
    contains ..." detail; docs/security.md says so.)"""
    import sqlalchemy as sa

    from partnership.extensions import db

    app = make_app(ENV_NAME="production", SECRET_KEY="p" * 40,
                   PUBLIC_BASE_URL="https://partnerships.example.org")
    with app.app_context():
        assert db.engine.hide_parameters is True
        with pytest.raises(sa.exc.DBAPIError) as failed:
            db.session.execute(sa.text("INSERT INTO no_such_table (note) VALUES (:secret)"),
                               {"secret": "Zhovtoblakytna has nightmares"})
        db.session.rollback()
        assert "Zhovtoblakytna" not in str(failed.value)
