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


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_instance_folder_and_the_database_are_private(tmp_path, monkeypatch):
    """Under the usual umask (022), the instance folder, its subfolders, the SQLite database
    with its -wal and -shm files, and the secret key are for the server's user only."""
    from flask_migrate import upgrade

    from partnership.core.uploads import area_folder
    from partnership.extensions import db

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    previous = os.umask(0o022)
    try:
        instance = tmp_path / "new" / "instance"
        app = create_app({"ENV_NAME": "development", "INSTANCE_PATH": str(instance)})
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:  # WAL: the -wal and -shm files exist now
                connection.exec_driver_sql("CREATE TABLE probe (id INTEGER)")
                connection.commit()
                wal = [instance / "partnership.db-wal", instance / "partnership.db-shm"]
                assert all(path.exists() for path in wal)
                for path in wal:
                    assert _mode(path) == 0o600, path
            uploads = area_folder("signed")
            db.engine.dispose()
    finally:
        os.umask(previous)
    assert _mode(instance) == 0o700
    assert _mode(instance / "partnership.db") == 0o600
    assert _mode(instance / "secret_key") == 0o600
    assert _mode(uploads) == _mode(uploads.parent) == 0o700


def test_a_world_readable_instance_left_by_an_older_version_is_tightened(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    os.chmod(instance, 0o755)  # noqa: S103 - what an older version left
    database = instance / "partnership.db"
    database.touch()
    os.chmod(database, 0o644)
    create_app({"ENV_NAME": "development", "INSTANCE_PATH": str(instance), "SECRET_KEY": "k" * 40})
    assert _mode(instance) == 0o700
    assert _mode(database) == 0o600


def test_production_trusts_its_public_host_loopback_and_the_listed_hosts(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "app.internal, .lb.example")
    app = create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path),
                      "SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "PUBLIC_BASE_URL": "https://partnerships.example.org:8443"})
    assert set(app.config["TRUSTED_HOSTS"]) == {
        "partnerships.example.org", "localhost", "127.0.0.1", "::1", "app.internal", ".lb.example"}
