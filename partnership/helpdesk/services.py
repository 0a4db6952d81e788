"""Messages to the embassy: sent by anyone, read and marked answered by the embassy."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..auth.models import User
from ..auth.services import active_with_role, normalise_email
from ..core.access import NotVisible, require_role
from ..core.audit import record
from ..core.database import utcnow
from ..core.events import ContactMessageSent, emit
from ..core.roles import EMBASSY_ROLES, Role
from ..core.services import ServiceError
from ..extensions import db
from ..notifications.services import notify
from .models import ContactMessage

SUBJECT_IN_NOTICE = 120   # a notification carries the subject's start, never the message


def send_message(sender: User | None, name: str, email: str, subject: str, body: str,
                 language: str) -> ContactMessage:
    """Keep a message to the embassy and tell the officers (after the commit)."""
    name, subject, body = name.strip(), subject.strip(), body.strip()
    if not (name and subject and body):
        raise ServiceError(_("Fill in your name, the subject and the message."))
    message = ContactMessage(name=name, email=normalise_email(email), subject=subject,
                             body=body, language=language,
                             sender_id=getattr(sender, "id", None), created_at=utcnow())
    db.session.add(message)
    db.session.flush()
    record("contact.message_sent", actor=sender, obj=message)
    emit(ContactMessageSent(message_id=message.id))
    return message


def tell_officers(message_id: int) -> None:
    """Each officer hears of a new message, in the app and by e-mail in their language (the
    handler of ``ContactMessageSent``)."""
    message = db.session.get(ContactMessage, message_id)
    if message is None or message.answered_at is not None:
        return
    notify(active_with_role(Role.EMBASSY_OFFICER), "contact_message",
           {"sender": message.name, "subject": message.subject[:SUBJECT_IN_NOTICE]},
           endpoint="helpdesk.message", link_args={"message_id": message.id},
           actor_id=message.sender_id, key=f"contact_message:{message.id}")


def unanswered() -> tuple:
    """(how many wait for an answer, the oldest's time, its id when there is exactly one)."""
    count, oldest, single = db.session.execute(
        select(func.count(ContactMessage.id), func.min(ContactMessage.created_at),
               func.max(ContactMessage.id))
        .where(ContactMessage.answered_at.is_(None))).one()
    return count or 0, oldest, single


def messages_for_embassy(actor: User, answered: bool, page: int, per_page: int = 25):
    """The inbox: unanswered messages oldest first, or answered ones newest first."""
    require_role(actor, *EMBASSY_ROLES)
    statement = select(ContactMessage)
    if answered:
        statement = statement.where(ContactMessage.answered_at.is_not(None)).order_by(
            ContactMessage.answered_at.desc(), ContactMessage.id.desc())
    else:
        statement = statement.where(ContactMessage.answered_at.is_(None)).order_by(
            ContactMessage.created_at, ContactMessage.id)
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def message_for_embassy(actor: User, message_id: int) -> ContactMessage:
    require_role(actor, *EMBASSY_ROLES)
    message = db.session.get(ContactMessage, message_id)
    if message is None:
        raise NotVisible()
    return message


def can_mark_answered(actor: User, message: ContactMessage) -> bool:
    return actor.role in EMBASSY_ROLES and message.answered_at is None


def mark_answered(actor: User, message: ContactMessage) -> None:
    """The embassy has answered (by e-mail): the message leaves "My work"."""
    require_role(actor, *EMBASSY_ROLES)
    if not can_mark_answered(actor, message):
        raise ServiceError(_("This message is already marked answered."))
    message.answered_at = utcnow()
    message.answered_by_id = actor.id
    record("contact.message_answered", actor=actor, obj=message)
