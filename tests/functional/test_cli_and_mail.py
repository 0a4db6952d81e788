"""Commands and the e-mail outbox; no secrets in the log."""

import logging
import os
import stat
from pathlib import Path

from sqlalchemy import func, select

from partnership.auth.models import User
from partnership.core.mail import queue_email, send_pending_emails
from partnership.core.models import OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db

from ..conftest import post_form
from ..factories import UserFactory


def test_create_admin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--email", "Root@Example.org", "--name", "Root",
                                 "--password", "a long admin passphrase"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User))
    assert admin.email == "root@example.org" and admin.role == Role.ADMIN
    assert admin.password_hash.startswith("$argon2id$")


def test_create_admin_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "--email", "a@example.org",
                                                "--password", "password1234"])
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_seed_demo_loads_once_and_writes_private_log_ins(make_app):
    app = make_app(ENV_NAME="development")
    with app.app_context():
        runner = app.test_cli_runner()
        result = runner.invoke(args=["seed-demo", "--if-empty"])
        assert result.exit_code == 0, result.output
        # 7 log-ins, 1 partner, 6 managers of the memoranda demo's three partnerships
        assert db.session.scalar(select(func.count(User.id))) == 14
        again = runner.invoke(args=["seed-demo", "--if-empty"])
        assert again.exit_code == 0 and "already has data" in again.output
        assert db.session.scalar(select(func.count(User.id))) == 14
        logins = Path(app.instance_path) / "demo-logins.txt"
        assert stat.S_IMODE(os.stat(logins).st_mode) == 0o600
        printed = runner.invoke(args=["demo-logins"]).output
        assert "admin@demo.partnership.local" in printed


def test_seed_demo_refuses_production(make_app):
    app = make_app(ENV_NAME="production", SECRET_KEY="p" * 40,
                   PUBLIC_BASE_URL="https://partnerships.example.org")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0


def test_outbox_in_development_goes_to_the_log(app, caplog):
    queue_email("someone@example.org", "Subject line", "Body text")
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="partnership"):
        assert send_pending_emails() == 1
    assert "Body text" in caplog.text
    assert db.session.scalar(select(OutboxEmail.sent_at)) is not None


def test_outbox_in_production_without_a_server_keeps_the_mail(make_app, caplog):
    app = make_app(ENV_NAME="production", SECRET_KEY="p" * 40,
                   PUBLIC_BASE_URL="https://partnerships.example.org")
    with app.app_context():
        queue_email("someone@example.org", "Subject", "secret link inside")
        db.session.commit()
        assert send_pending_emails() == 0
        mail = db.session.scalar(select(OutboxEmail))
        assert mail.sent_at is None and "MAIL_SERVER" in mail.last_error
    assert "secret link inside" not in caplog.text


def test_passwords_never_reach_the_log(client, caplog):
    user = UserFactory()
    with caplog.at_level(logging.DEBUG):
        post_form(client, "/login", {"email": user.email, "password": "the wrong secret pw"})
        post_form(client, "/login", {"email": user.email,
                                     "password": "correct horse battery staple"})
    assert "wrong secret pw" not in caplog.text
    assert "correct horse" not in caplog.text
