"""/readyz: 200 when every dependency is ready, 503 naming what is not (database, migrations,
Redis, identity keys, the scheduler's heartbeat), without revealing any secret."""

import os
import time

import pytest
import redis
from sqlalchemy import text

from partnership.core.scheduler import HEARTBEAT_KEY
from partnership.extensions import db

from ..conftest import require_service

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PRODUCTION = {"ENV_NAME": "production", "SECRET_KEY": "p" * 40,
              "PUBLIC_BASE_URL": "https://partnerships.example.org",
              "SESSION_COOKIE_SECURE": False}
KEY = "not-a-fernet-key"


@pytest.fixture
def connection():
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.flushdb()
    except redis.RedisError as error:
        require_service("Redis", str(error))
    yield client
    client.flushdb()


def ready(app):
    response = app.test_client().get("/readyz")
    return response.status_code, response.json


def test_ready_without_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": {
        "database": "ok", "migrations": "ok", "identity_keys": "ok"}}


def test_ready_with_redis_and_a_recent_heartbeat(make_app, connection):
    connection.set(HEARTBEAT_KEY, f"{time.time()} host:1")
    status, body = ready(make_app(REDIS_URL=REDIS_URL))
    assert status == 200
    assert body["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok",
                              "scheduler": "ok", "identity_keys": "ok"}


def test_a_database_that_does_not_answer(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody:pw@127.0.0.1:1/none",
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 1}})
    status, body = ready(app)
    assert status == 503
    assert body["checks"]["database"] == "down" and body["checks"]["migrations"] == "unknown"
    assert "nobody" not in str(body) and "pw" not in str(body)


def test_migrations_behind_the_code(app):
    head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    db.session.execute(text("UPDATE alembic_version SET version_num = '0019'"))
    db.session.commit()
    try:
        status, body = ready(app)
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :head"),
                           {"head": head})
        db.session.commit()
    assert status == 503
    assert body == {"status": "unavailable", "checks": {
        "database": "ok", "migrations": "not at head", "identity_keys": "ok"}}


def test_redis_that_does_not_answer(make_app):
    status, body = ready(make_app(REDIS_URL="redis://:hunter2@127.0.0.1:1/0"))
    assert status == 503
    assert body["checks"]["redis"] == "down" and body["checks"]["scheduler"] == "unknown"
    assert "hunter2" not in str(body)


def test_identity_keys_missing_or_invalid_in_production(make_app):
    status, body = ready(make_app(**PRODUCTION))
    assert status == 503 and body["checks"]["identity_keys"] == "missing"
    status, body = ready(make_app(**PRODUCTION, PROGRAMME_IDENTITY_KEYS=KEY))
    assert status == 503 and body["checks"]["identity_keys"] == "invalid"
    assert KEY not in str(body)
    from cryptography.fernet import Fernet

    status, body = ready(make_app(**PRODUCTION,
                                  PROGRAMME_IDENTITY_KEYS=Fernet.generate_key().decode()))
    assert status == 200, body


def test_a_stale_or_missing_heartbeat(make_app, connection):
    app = make_app(REDIS_URL=REDIS_URL, SCHEDULER_HEARTBEAT_MAX_AGE=90)
    status, body = ready(app)
    assert status == 503 and body["checks"]["scheduler"] == "no heartbeat"
    connection.set(HEARTBEAT_KEY, f"{time.time() - 91} host:1")
    status, body = ready(app)
    assert status == 503 and body["checks"]["scheduler"] == "heartbeat stale"
    assert body["checks"]["redis"] == "ok"


def test_the_scheduler_can_be_declared_not_expected_or_expected_without_redis(make_app,
                                                                              connection):
    status, body = ready(make_app(REDIS_URL=REDIS_URL, SCHEDULER_EXPECTED=False))
    assert status == 200 and "scheduler" not in body["checks"]
    status, body = ready(make_app(SCHEDULER_EXPECTED=True))
    assert status == 503 and body["checks"]["scheduler"] == "no Redis configured"


def test_readiness_is_served_to_people_of_a_rejected_organisation_too(app):
    from partnership.organisations.views import DECISION_ENDPOINTS

    assert "core.readyz" in DECISION_ENDPOINTS


def test_a_database_without_migrations(make_app, tmp_path):
    status, body = ready(make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}"))
    assert status == 503 and body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "not at head"
