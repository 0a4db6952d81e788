"""While the database or Redis is down, people get a clear page and lose nothing; afterwards
the app carries on without a restart (issue 15: faults during load)."""

import logging
import sys
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from partnership.core.roles import Role
from partnership.extensions import db

from ..conftest import log_in
from ..factories import OrganisationFactory, UserFactory


@contextmanager
def database_down(app):
    """Every new connection is refused, as when PostgreSQL restarts; open ones are closed."""
    # The test's own session gives its connection back first: ``dispose`` closes only the
    # connections in the pool, and one checked out meanwhile was left open for the garbage
    # collector (psycopg's "connection deleted while still open", in some later test).
    db.session.close()
    with app.app_context():
        engine = db.engine
    refused = engine.dialect.loaded_dbapi.OperationalError

    def refuse(*_args, **_kwargs):
        raise refused("connection refused (the test stopped the database)")

    engine.dispose()
    event.listen(engine, "do_connect", refuse)
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)
        engine.dispose()


@pytest.mark.parametrize("path", ["/organisations", "/organisations?q=Kyiv",
                                  "/organisations?country=kz"])
def test_a_visitor_gets_503_with_a_retry_hint(app, client, path):
    with database_down(app):
        response = client.get(path)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Temporarily unavailable" in page and "try again" in page


def test_a_signed_in_person_stays_signed_in_through_an_outage(app, client):
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=OrganisationFactory())
    assert log_in(client, manager).status_code == 302
    with database_down(app):
        during = client.get("/my-work")
    assert during.status_code == 503
    after = client.get("/my-work", follow_redirects=False)
    assert after.status_code == 200, "the outage signed the person out"


def test_a_form_sent_during_an_outage_is_answered_503_and_nothing_half_written(app, client):
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=OrganisationFactory())
    log_in(client, manager)
    from ..conftest import csrf_token

    token = csrf_token(client, f"/organisations/{manager.organisation_id}/items/new/need")
    with database_down(app):
        response = client.post(f"/organisations/{manager.organisation_id}/items/new/need",
                               data={"csrf_token": token, "area": "cardiology",
                                     "description": "Echo machines"})
    assert response.status_code == 503
    assert "Retry-After" in response.headers


def test_the_database_going_away_while_the_session_is_saved_is_503_too(app, client,
                                                                      monkeypatch, caplog):
    """The view answered, then the session's save found the database gone (PostgreSQL
    restarting): Flask turns that into a 500, whose page would ask the database again. It is
    the same outage: 503 with the retry hint."""
    from partnership.auth.sessions import ServerSessionInterface

    manager = UserFactory(role=Role.ORG_MANAGER, organisation=OrganisationFactory())
    log_in(client, manager)
    from sqlalchemy.exc import OperationalError

    def save_session(self, app, session, response):
        raise OperationalError("UPDATE auth_session", {},
                               Exception("the database system is shutting down"))

    monkeypatch.setattr(ServerSessionInterface, "save_session", save_session)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    caplog.clear()
    response = client.get("/my-work")
    assert response.status_code == 503 and "Retry-After" in response.headers
    # Flask's own "Exception on ..." lines: a warning of one line each, no traceback
    ours = [r for r in caplog.records if r.name == app.logger.name]
    assert ours and all(r.levelno == logging.WARNING and not r.exc_info for r in ours)
    assert any("Exception on /my-work" in r.getMessage() for r in ours)
    assert not any("shutting down" in r.getMessage() for r in ours)


def test_an_unexpected_error_is_still_logged_with_its_traceback(app, caplog):
    with app.test_request_context("/"):
        try:
            raise RuntimeError("not an outage")
        except RuntimeError:
            app.log_exception(sys.exc_info())
    [logged] = [r for r in caplog.records if r.name == app.logger.name]
    assert logged.levelno == logging.ERROR and logged.exc_info


def test_the_error_page_is_in_the_visitors_language(app, client):
    with database_down(app):
        response = client.get("/organisations", headers={"Accept-Language": "kk"})
    assert response.status_code == 503
    assert 'lang="kk"' in response.get_data(as_text=True)


def test_redis_down_does_not_stop_sign_in_and_limits_still_hold(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:9/0", RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0")
    client = app.test_client()
    with app.app_context():
        user = UserFactory()
        statuses = [log_in(client, user, password=f"wrong {n}").status_code for n in range(21)]
    assert 500 not in statuses
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429, "without Redis the limit must still count in this process"
