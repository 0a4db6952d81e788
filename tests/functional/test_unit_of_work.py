"""One unit of work per request, command and job (issue 11, item 1): one commit point, which
rolls back on every error, on a refused form, and on every GET."""

import re
from datetime import timedelta
from pathlib import Path

import click
import pytest
from flask import abort
from sqlalchemy import func, select

from partnership.auth.sessions import AuthSession
from partnership.core import unit_of_work
from partnership.core.access import AccessDenied
from partnership.core.audit import record
from partnership.core.database import utcnow
from partnership.core.models import AuditEvent
from partnership.core.roles import Role
from partnership.core.services import ServiceError, attempt
from partnership.extensions import db
from partnership.matching import jobs
from partnership.organisations.models import Organisation

from ..conftest import csrf_token, log_in, post_form
from ..factories import OrganisationFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
UNIT_OF_WORK_MODULES = {ROOT / "partnership" / "core" / "unit_of_work.py"}


def audit_count(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == action))


# --- nobody else commits ----------------------------------------------------------------------

def test_no_view_template_or_command_commits():
    sources = [p for p in (ROOT / "partnership").rglob("*.py") if p not in UNIT_OF_WORK_MODULES]
    sources += list((ROOT / "templates").rglob("*.html"))
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in sources
                 for n, line in enumerate(p.read_text().splitlines(), 1)
                 if re.search(r"\.commit\(", line)]
    assert len(sources) > 100
    assert offenders == []


def test_every_command_is_one_unit_of_work(app):
    commands = app.cli.list_commands(None)
    assert "dispatch-events" in commands and "import-organisations" in commands
    for name in ("create-admin", "seed-demo", "import-organisations", "import-items",
                 "send-reminders", "propose-matches", "purge-programme-identities",
                 "rotate-identity-key", "dispatch-events"):
        assert getattr(app.cli.get_command(None, name).callback, "in_unit_of_work", False), name


# --- requests: test routes that write, then fail --------------------------------------------

@pytest.fixture
def routed(make_app):
    """An application with routes that write (and flush), then end in various ways; requests
    come from a signed-in user whose session is saved on every request (so a session interface
    that commits the shared session would commit what the route wrote)."""
    app = make_app(SESSION_TOUCH_INTERVAL=timedelta(0))

    def write():
        record("test.written")
        db.session.flush()

    @app.route("/test/write-then/<int:code>", methods=["GET", "POST"])
    def write_then(code):
        write()
        if code == 403:
            raise AccessDenied()
        if code == 500:
            raise RuntimeError("broken")
        if code != 200:
            abort(code)
        return "written"

    @app.route("/test/refused-form", methods=["POST"])
    def refused_form():
        write()

        def refuse():
            record("test.refused")
            raise ServiceError("No.")

        outcome = attempt(refuse)
        return "refused" if not outcome.ok else "held"

    with app.app_context():
        yield app


def signed_in(app):
    client = app.test_client()
    log_in(client, UserFactory(role=Role.ORG_MEMBER))
    return client


def test_a_post_that_succeeds_is_committed(routed):
    client = signed_in(routed)
    response = client.post("/test/write-then/200", headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 200
    assert audit_count("test.written") == 1


@pytest.mark.parametrize("code", [403, 404, 409, 422, 500])
def test_an_error_after_a_flush_writes_nothing(routed, code):
    client = signed_in(routed)
    response = client.post(f"/test/write-then/{code}",
                           headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == code
    assert audit_count("test.written") == 0


def test_a_refused_form_writes_nothing_though_the_page_answers_200(routed):
    client = signed_in(routed)
    response = client.post("/test/refused-form", headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 200 and response.get_data(as_text=True) == "refused"
    assert audit_count("test.written") == 0 and audit_count("test.refused") == 0


def test_a_get_that_writes_fails_loudly_in_tests_and_is_rolled_back_anyway(routed):
    client = signed_in(routed)
    with pytest.raises(unit_of_work.WriteOnSafeRequest):
        client.get("/test/write-then/200")
    routed.config["STRICT_SAFE_METHODS"] = False  # production: refused by a rollback
    assert client.get("/test/write-then/200").status_code == 200
    assert client.head("/test/write-then/200").status_code == 200
    assert audit_count("test.written") == 0


# --- requests: real pages ---------------------------------------------------------------------

def test_a_service_refusal_on_a_real_form_writes_nothing(client):
    organisation = OrganisationFactory(region="ua_lviv")
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=organisation)
    log_in(client, manager)
    before = audit_count("organisation.updated")
    response = post_form(client, f"/organisations/{organisation.id}/edit", {
        "kind": "clinic", "name_uk": "Змінена назва", "name_en": "Changed", "region": "kz_astana",
        "city": "Львів", "languages": ["uk"], "contact_name": "X",
        "contact_email": "x@example.org"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).name_uk != "Змінена назва"
    assert audit_count("organisation.updated") == before


def test_the_session_touch_on_a_get_is_kept_apart(make_app):
    app = make_app(SESSION_TOUCH_INTERVAL=timedelta(0))
    with app.app_context():
        client = app.test_client()
        user = UserFactory(role=Role.ORG_MEMBER)
        log_in(client, user)
        row = db.session.scalars(select(AuthSession)).one()
        old = utcnow() - timedelta(minutes=5)
        row.last_seen_at = old
        db.session.commit()
        assert client.get("/account").status_code == 200  # STRICT: the GET itself wrote nothing
        db.session.expire_all()
        assert db.session.scalars(select(AuthSession)).one().last_seen_at > old


# --- commands and jobs ------------------------------------------------------------------------

def test_a_command_failing_half_way_writes_nothing(app):
    @click.command("half-way")
    @unit_of_work.transactional
    def half_way():
        record("test.first_half")
        db.session.flush()
        raise click.ClickException("the second half broke")

    result = app.test_cli_runner().invoke(half_way)
    assert result.exit_code == 1 and "the second half broke" in result.output
    assert audit_count("test.first_half") == 0


def test_a_real_command_failing_half_way_writes_nothing(app, tmp_path):
    """An import whose last row is refused imports none of the rows before it."""
    path = tmp_path / "orgs.csv"
    from ..factories import edrpou

    rows = [f"{edrpou(900 + i)},UA,hospital,Лікарня {i},,Hospital {i},ua_lviv,Львів,uk"
            for i in range(3)] + [f"{edrpou(999)},UA,astrology,Х,,X,ua_lviv,Львів,uk"]
    path.write_text("registry_code,country,kind,name_uk,name_kk,name_en,region,city,"
                    "languages\n" + "\n".join(rows) + "\n")
    result = app.test_cli_runner().invoke(args=["import-organisations", str(path)])
    assert result.exit_code == 1
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_a_job_failing_writes_nothing(app, monkeypatch):
    def breaks(*_args, **_kwargs):
        record("test.job_started")
        db.session.flush()
        raise RuntimeError("the job broke")

    monkeypatch.setattr("partnership.matching.services.propose_matches", breaks)
    with pytest.raises(RuntimeError):
        jobs.run_recompute(None)
    assert audit_count("test.job_started") == 0


def test_a_job_that_succeeds_commits(app, monkeypatch):
    def works(*_args, **_kwargs):
        record("test.job_done")

    monkeypatch.setattr("partnership.matching.services.propose_matches", works)
    jobs.run_recompute(None)
    db.session.remove()
    assert audit_count("test.job_done") == 1
