"""The outbox's e-mails go out once even when several senders look at once (every app worker
after its requests, the scheduler every minute, on several hosts)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from partnership.core import mail as outbox
from partnership.core.database import utcnow
from partnership.core.mail import queue_email, send_pending_emails
from partnership.core.models import OutboxEmail
from partnership.extensions import db


class FakeSMTP:
    """An SMTP server that keeps what it accepts (class-wide) and can refuse once."""

    accepted: list = []
    refuse_next = False

    def __init__(self, host, port, timeout):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        if FakeSMTP.refuse_next:
            FakeSMTP.refuse_next = False
            raise ConnectionRefusedError("the server refused")
        FakeSMTP.accepted.append(message)


@pytest.fixture
def smtp(make_app, monkeypatch):
    FakeSMTP.accepted, FakeSMTP.refuse_next = [], False
    monkeypatch.setattr(outbox.smtplib, "SMTP", FakeSMTP)
    app = make_app(MAIL_SERVER="smtp.example.org", MAIL_PORT=25, MAIL_USE_TLS=False,
                   MAIL_DEFAULT_SENDER="no-reply@partnerships.example.org")
    with app.app_context():
        yield app


def _sent_ids() -> list[str]:
    return [m["Message-ID"] for m in FakeSMTP.accepted]


def test_a_sender_that_meets_another_mid_way_sends_nothing_twice(smtp, monkeypatch):
    for n in range(3):
        queue_email(f"person{n}@example.org", f"Subject {n}", "Body")
    db.session.commit()
    deliver = outbox._deliver
    others = []

    def deliver_while_another_sender_runs(mail):
        if not others:  # during the first sender's first e-mail, a second sender runs
            others.append(None)
            with smtp.app_context():
                others[0] = send_pending_emails()
        deliver(mail)

    monkeypatch.setattr(outbox, "_deliver", deliver_while_another_sender_runs)
    first = send_pending_emails()
    assert others == [2] and first == 1  # the second took the two the first had not claimed
    ids = _sent_ids()
    assert len(ids) == 3 and len(set(ids)) == 3
    assert all(m.sent_at and m.attempts == 1 and m.claimed_until is None
               for m in db.session.scalars(select(OutboxEmail)))


def test_a_claim_left_by_a_sender_that_died_lapses(smtp):
    mail = queue_email("person@example.org", "Subject", "Body")
    db.session.commit()
    mail.attempts, mail.claimed_until = 1, utcnow() + timedelta(seconds=60)
    db.session.commit()
    assert send_pending_emails() == 0  # its sender may still be talking to the server
    mail.claimed_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert send_pending_emails() == 1
    db.session.refresh(mail)
    assert mail.sent_at and mail.attempts == 2 and mail.claimed_until is None


def test_a_retry_carries_the_same_message_id(smtp):
    mail = queue_email("person@example.org", "Subject", "Body")
    other = queue_email("other@example.org", "Subject", "Body")
    db.session.commit()
    FakeSMTP.refuse_next = True
    assert send_pending_emails() == 1  # the first refused, the second went
    db.session.refresh(mail)
    assert mail.sent_at is None and mail.claimed_until is None
    assert "ConnectionRefusedError" in mail.last_error
    assert send_pending_emails() == 1
    first_id, retried_id = _sent_ids()
    assert retried_id == outbox.message_id(mail, "no-reply@partnerships.example.org")
    assert first_id == outbox.message_id(other, "no-reply@partnerships.example.org")
    assert retried_id.endswith("@partnerships.example.org>") and retried_id != first_id


def test_after_five_failed_attempts_the_mail_is_left_for_a_person(smtp):
    mail = queue_email("person@example.org", "Subject", "Body")
    db.session.commit()
    mail.attempts = outbox.MAX_ATTEMPTS
    db.session.commit()
    assert send_pending_emails() == 0 and FakeSMTP.accepted == []
