"""E-mail: queued in the outbox with the change that causes it, sent after the commit, each
person written to in their own language."""

import logging
import smtplib
from collections.abc import Callable, Iterable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from ..extensions import db
from .database import utcnow
from .language import language_of
from .models import OutboxEmail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
# A claim outlasts one SMTP attempt (its timeout is 20 s) with room to spare; a sender that died
# holding one lets the e-mail go again after this.
CLAIM_SECONDS = 120
SMTP_TIMEOUT = 20


def queue_email(recipient: str, subject: str, body: str) -> OutboxEmail:
    """Put an e-mail in the outbox; it is sent after the transaction commits."""
    mail = OutboxEmail(recipient=recipient, subject=subject, body=body)
    db.session.add(mail)
    return mail


def mail_each(users: Iterable, compose: Callable[..., tuple[str, str]]) -> int:
    """Queue one e-mail to each user, written in that user's own language.

    ``compose(user, language)`` runs with the user's language active (``gettext`` answers in
    it) and returns ``(subject, body)``. Returns how many e-mails were queued."""
    count = 0
    for user in users:
        language = language_of(user)
        with force_locale(language):
            subject, body = compose(user, language)
            queue_email(user.email, subject, body)
        count += 1
    return count


def send_pending_emails(limit: int = 100) -> int:
    """Send what waits in the outbox; return how many went out.

    Every app worker calls this after its requests and the scheduler every minute, so several
    may look at the same e-mail at once: each e-mail is first claimed (``_claim``, which one
    sender wins) for CLAIM_SECONDS, longer than an SMTP attempt can last, then sent, then
    marked sent. A sender that dies between the SMTP server's acceptance and that mark leaves
    a lease that lapses: the e-mail is sent again then (the one case of a duplicate; each
    message carries its outbox id in ``Message-ID`` for the receiving side to see it)."""
    from .unit_of_work import discard, step

    ids = list(db.session.scalars(
        select(OutboxEmail.id)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < MAX_ATTEMPTS,
               or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < utcnow()))
        .order_by(OutboxEmail.id)
        .limit(limit)))
    discard()  # end the read: each e-mail is a unit of its own
    sent = 0
    for mail_id in ids:
        if not _claim(mail_id):
            continue  # another sender has it (or sent it meanwhile)
        with step():
            mail = db.session.get(OutboxEmail, mail_id)
            try:
                _deliver(mail)
            except (OSError, smtplib.SMTPException) as exc:
                mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
                log.warning("e-mail %s to the outbox recipient failed: %s", mail.id,
                            mail.last_error)
            else:
                mail.sent_at = utcnow()
                sent += 1
            mail.claimed_until = None
    return sent


def _claim(mail_id: int) -> bool:
    """Take the e-mail for one attempt, committed at once: an UPDATE whose condition only one
    sender can meet (on PostgreSQL the second waits for the first's row lock, then finds the
    lease taken; SQLite runs one writer at a time)."""
    from .unit_of_work import step

    now = utcnow()
    with step():
        claimed = db.session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == mail_id, OutboxEmail.sent_at.is_(None),
                   OutboxEmail.attempts < MAX_ATTEMPTS,
                   or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now))
            .values(attempts=OutboxEmail.attempts + 1,
                    claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
            .execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def _deliver(mail: OutboxEmail) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        if config["ENV_NAME"] == "production":
            raise OSError("MAIL_SERVER is not configured")
        # Development: the log is the mailbox.
        log.info("E-mail to %s\nSubject: %s\n\n%s", mail.recipient, mail.subject, mail.body)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    # The same id on every attempt: a receiver can tell a repeat (docs/deployment.md).
    message["Message-ID"] = message_id(mail, config["MAIL_DEFAULT_SENDER"])
    message.set_content(mail.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def message_id(mail: OutboxEmail, sender: str) -> str:
    """``<outbox-ID.CREATED@sender's domain>``: the same on every attempt at this e-mail, and
    another for every other e-mail (the creation time tells apart outboxes that reuse ids)."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "partnership.local"
    return f"<outbox-{mail.id}.{int(mail.created_at.timestamp())}@{domain}>"
