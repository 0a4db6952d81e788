"""E-mail: queued in the outbox with the change that causes it, sent after the commit, each
person written to in their own language."""

import logging
import smtplib
from collections.abc import Callable, Iterable
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from ..extensions import db
from .database import utcnow
from .language import language_of
from .models import OutboxEmail

log = logging.getLogger(__name__)


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
    """Send what waits in the outbox; return how many went out. Each e-mail is a unit of its
    own, so one that went out is never sent again."""
    from .unit_of_work import step

    pending = db.session.scalars(
        select(OutboxEmail)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < 5)
        .order_by(OutboxEmail.id)
        .limit(limit)
    ).all()
    sent = 0
    for mail in pending:
        with step():
            mail.attempts += 1
            try:
                _deliver(mail)
            except (OSError, smtplib.SMTPException) as exc:
                mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
                log.warning("e-mail %s to the outbox recipient failed: %s", mail.id,
                            mail.last_error)
            else:
                mail.sent_at = utcnow()
                sent += 1
    return sent


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
    message.set_content(mail.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
