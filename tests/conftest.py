"""Test fixtures: a migrated database per test (SQLite or PostgreSQL), factories, log-in helpers.

``TEST_DATABASE_URL`` selects PostgreSQL (``make test-postgres``); otherwise each test gets its own
copy of a migrated SQLite file. ``REQUIRE_SERVICES=1`` (CI) turns skips for a missing Redis or
Chromium into failures.
"""

import contextvars
import os
import re
import shutil

import pyotp
import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from partnership import create_app
from partnership.config import normalise_database_url
from partnership.core import unit_of_work
from partnership.extensions import db

from .factories import DEFAULT_PASSWORD, UserFactory

# Under pytest-xdist (``make test`` runs one worker per core), each worker has a PostgreSQL
# database and a Redis database of its own, so no worker empties another's.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if WORKER.startswith("gw") and "TEST_REDIS_URL" not in os.environ:
    os.environ["TEST_REDIS_URL"] = f"redis://127.0.0.1:6379/{15 - int(WORKER[2:]) % 15}"


def _per_worker(url: str | None) -> str | None:
    if not url or not WORKER:
        return url
    base, _slash, name = url.rpartition("/")
    return f"{base}/{name}_{WORKER}"


POSTGRES_URL = _per_worker(os.environ.get("TEST_DATABASE_URL"))
SECRET = "test-secret-key-not-for-production"  # noqa: S105


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a server would: the test's own application
    context (its ``g``, its database session) is not shared with the request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Tests read English messages unless they ask for another language.
        self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        # The events' handlers run on a thread of their own after the response; a test looks
        # once they have run, as a person would a moment later.
        assert unit_of_work.wait_for_handlers(), "the events' handlers did not finish"
        return response


def base_config(tmp_path, database_url: str) -> dict:
    return {
        "ENV_NAME": "testing",
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "REDIS_URL": None,
        "MAIL_SERVER": None,
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """Run the Alembic migrations once: a template SQLite file, or the PostgreSQL test database."""
    tmp = tmp_path_factory.mktemp("template")
    if POSTGRES_URL:
        url = normalise_database_url(POSTGRES_URL)
        _create_database(url)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp / 'template.db'}"
    app = create_app(base_config(tmp, url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def _create_database(url: str) -> None:
    """Create this worker's PostgreSQL database when it does not exist yet."""
    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": target.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = [row[0] for row in connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename NOT IN ('alembic_version', 'search_generation', "
            "'proposal_generation')"))]
        if tables:
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(migrated_database, tmp_path):
    """A database with the full schema and no rows, for this test only."""
    if POSTGRES_URL:
        yield migrated_database
        _truncate_all(migrated_database)
    else:
        source = migrated_database.removeprefix("sqlite:///")
        target = tmp_path / "test.db"
        shutil.copyfile(source, target)
        yield f"sqlite:///{target}"


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an application on this test's database, with extra settings."""
    apps = []

    def factory(**overrides):
        app = create_app({**base_config(tmp_path, database_url), **overrides})
        app.test_client_class = IsolatedClient
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client, path: str = "/") -> str:
    """The CSRF token of this client's session, read from a page as a browser would."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def tokens_apart(html: str) -> tuple[str, set[str]]:
    """The page with its form tokens blanked, and the session tokens they sign.

    A form token is the session's token signed with the time in seconds: two renderings of one
    page a second apart differ there and nowhere else. Compare this, not the pages."""
    signed = {token.split(".")[0] for token in CSRF_RE.findall(html)}
    return CSRF_RE.sub('name="csrf_token" value=""', html), signed


def post_form(client, path: str, data: dict, **kwargs):
    """POST a form with the session's CSRF token, as the browser does."""
    return client.post(path, data={"csrf_token": csrf_token(client), **data}, **kwargs)


def log_in(client, user, password: str = DEFAULT_PASSWORD, secret: str | None = None):
    """Sign in through the real pages, with a TOTP code when the user has a secret."""
    response = post_form(client, "/login", {"email": user.email, "password": password})
    if secret:
        code = pyotp.TOTP(secret).now()
        response = post_form(client, "/login/verify", {"code": code})
    return response


@pytest.fixture
def login_as(app, client):
    """Create a user with ``role`` (with a second factor where the role needs one) and sign in."""

    def do(role: str, **fields):
        secret = None
        if role in app.config["TOTP_REQUIRED_ROLES"]:
            secret = pyotp.random_base32()
            fields.setdefault("totp_secret", secret)
        user = UserFactory(role=role, **fields)
        response = log_in(client, user, secret=secret)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return do


def require_service(name: str, reason: str):
    """Skip locally, fail in CI (REQUIRE_SERVICES=1), when a service or tool is missing."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{name} is required here: {reason}")
    pytest.skip(f"{name} not available: {reason}")


@pytest.fixture
def redis_url():
    """This test's Redis database (its xdist worker's own), emptied before and after; the test
    is skipped locally, and fails in CI, without Redis."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError as error:
        require_service("Redis", str(error))
    yield url
    redis.Redis.from_url(url).flushdb()
