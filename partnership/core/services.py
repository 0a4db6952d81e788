"""Operations every area uses: record an audit event, queue and send e-mail."""

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app, has_request_context, request
from sqlalchemy import select

from ..config import DEVELOPMENT_ADDRESS
from ..extensions import db
from .database import utcnow
from .models import AuditEvent, OutboxEmail

log = logging.getLogger(__name__)


def record(action: str, actor=None, obj=None, *, object_type=None, object_id=None, **details):
    """Add an audit event for ``action`` by ``actor`` on ``obj``; the caller commits."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
    event = AuditEvent(
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_role=getattr(actor, "role", None),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=details,
        client_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def queue_email(recipient: str, subject: str, body: str) -> OutboxEmail:
    """Put an e-mail in the outbox; it is sent after the transaction commits."""
    mail = OutboxEmail(recipient=recipient, subject=subject, body=body)
    db.session.add(mail)
    return mail


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


class AccessDenied(Exception):
    """The acting user may not do this to this object (shown as 404 or 403 by the views)."""


class NotVisible(AccessDenied):
    """The object is not the acting user's to see: answered as 404, so it does not leak."""


def require_role(actor, *roles: str) -> None:
    """Refuse unless the acting user has one of ``roles``."""
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.role not in roles:
        raise AccessDenied()


class ServiceError(Exception):
    """A rule broken by the user: a translated message, optionally tied to a form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def external_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails, from a request or from ``PUBLIC_BASE_URL`` in the CLI."""
    from flask import has_request_context, url_for

    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base and not has_request_context():
        if current_app.config["ENV_NAME"] == "production":
            raise RuntimeError("Set PUBLIC_BASE_URL: e-mails sent from commands need it.")
        base = DEVELOPMENT_ADDRESS
    if base:
        from urllib.parse import urlsplit

        parts = urlsplit(base)
        adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                           url_scheme=parts.scheme or "https")
        return adapter.build(endpoint, values, force_external=True)
    return url_for(endpoint, _external=True, **values)


def show_error(form, error: ServiceError) -> None:
    """Undo the refused service call (the unit of work ends with a rollback, though the page
    answers 200) and put its message next to its field, or flash it when it concerns no field."""
    from flask import flash

    from . import unit_of_work

    unit_of_work.abandon()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


@dataclass
class Outcome:
    """What ``attempt`` reports to a view: whether the service call held, and its result."""

    ok: bool
    value: object = None


def attempt(operation, form=None) -> Outcome:
    """Run one service call for a view. When it breaks a rule, undo it and show the message
    next to its field, or as a flash; the request's unit of work commits what succeeded."""
    try:
        value = operation()
    except ServiceError as error:
        show_error(form, error)
        return Outcome(False)
    return Outcome(True, value)
