"""Settings: defaults, then environment, then instance/config.py; secret keys handled safely."""

import os
import stat

import pytest

from partnership import create_app
from partnership.config import from_environment, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PARTNERSHIP_ENV", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path),
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_refuses_to_start_without_its_public_address(tmp_path, monkeypatch):
    """Links in e-mails and memorandum QR codes never take their host from a request."""
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.delenv("PARTNERSHIP_ENV", raising=False)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40,
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_is_the_default_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("PARTNERSHIP_ENV", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40,
                      "PUBLIC_BASE_URL": "https://partnerships.example.org",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["HSTS"] is True


def test_development_generates_a_private_secret_key_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"ENV_NAME": "development", "INSTANCE_PATH": str(tmp_path),
                        "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    second = create_app({"ENV_NAME": "development", "INSTANCE_PATH": str(tmp_path),
                         "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 40


def test_environment_variables_then_instance_file_override_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("MAIL_SERVER", "smtp.from-env.example")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    (tmp_path / "config.py").write_text('MAIL_SERVER = "smtp.from-instance.example"\n')
    app = create_app({"ENV_NAME": "development", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["MAIL_SERVER"] == "smtp.from-instance.example"
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"ENV_NAME": "development", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'partnership.db'}"


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_urls_use_psycopg_3(given, expected):
    assert normalise_database_url(given) == expected
    assert from_environment({"DATABASE_URL": given})["SQLALCHEMY_DATABASE_URI"] == expected


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(app):
    from sqlalchemy import text

    from partnership.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
