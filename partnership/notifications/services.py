"""Telling people: ``notify`` (in-app rows, and an e-mail now or in the daily digest, as each
user chose), the list and its read marks, preferences, the digest job and the purge."""

from collections.abc import Iterable
from datetime import date, timedelta

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from ..auth.models import User
from ..core.access import NotVisible
from ..core.database import utcnow
from ..core.language import language_of
from ..core.links import external_url
from ..core.mail import queue_email
from ..core.services import ServiceError
from ..extensions import db
from . import texts
from .models import (
    Category,
    Delivery,
    Mode,
    Notification,
    NotificationDigest,
    NotificationPreference,
)

KEPT_DAYS = 180
PER_PAGE = 25
ALWAYS_ON = (Category.SECURITY,)


# --- telling ---------------------------------------------------------------------------------

def notify(users: Iterable[User], kind: str, params: dict | None = None, *,
           endpoint: str = "", link_args: dict | None = None, path: str = "",
           actor_id: int | None = None, key: str | None = None) -> list[Notification]:
    """Tell each of ``users`` (deactivated ones and the actor left out, each once) that
    ``kind`` happened: an in-app notification, and an e-mail now or in the daily digest as the
    user chose for the kind's category. ``key`` makes it once-only per user."""
    category = texts.KINDS[kind].category
    params = dict(params or {})
    recipients = _recipients(users, actor_id)
    if key is not None and recipients:
        told = set(db.session.scalars(select(Notification.user_id).where(
            Notification.key == key, Notification.user_id.in_([u.id for u in recipients]))))
        recipients = [u for u in recipients if u.id not in told]
    modes = modes_of([u.id for u in recipients], category)
    created = []
    for user in recipients:
        mode = modes.get(user.id, Mode.IMMEDIATELY)
        notification = Notification(
            user_id=user.id, category=category, kind=kind, params=params, endpoint=endpoint,
            link_args=dict(link_args or {}), path=path, key=key, created_at=utcnow(),
            delivery={Mode.IMMEDIATELY: Delivery.EMAILED, Mode.DIGEST: Delivery.DIGEST,
                      Mode.OFF: Delivery.NONE}[mode])
        db.session.add(notification)
        created.append((user, notification))
    if any(n.delivery == Delivery.EMAILED for _user, n in created):
        db.session.flush()  # the e-mail links to the notification by its id
    for user, notification in created:
        if notification.delivery == Delivery.EMAILED:
            _email(user, notification)
    return [n for _user, n in created]


def _recipients(users: Iterable[User], actor_id: int | None) -> list[User]:
    seen, chosen = set(), []
    for user in users:
        if user is None or not user.active or user.id == actor_id or user.id in seen:
            continue
        seen.add(user.id)
        chosen.append(user)
    return chosen


def _email(user: User, notification: Notification) -> None:
    language = language_of(user)
    with force_locale(language):
        subject = texts.title(notification.kind, notification.params, language)
        text = texts.body(notification.kind, notification.params, language)
        queue_email(user.email, subject[:200], _(
            "%(text)s\n\n%(link)s\n\nYou choose which e-mails you receive under My account, "
            "Notifications.", text=text,
            link=external_url("notifications.open", notification_id=notification.id)))


# --- preferences -----------------------------------------------------------------------------

def modes_of(user_ids: list[int], category: Category) -> dict[int, Mode]:
    """Each user's mode for ``category`` (absent: immediately). Security is always immediate."""
    if category in ALWAYS_ON or not user_ids:
        return {}
    return dict(db.session.execute(select(
        NotificationPreference.user_id, NotificationPreference.mode).where(
        NotificationPreference.user_id.in_(user_ids),
        NotificationPreference.category == category)).all())


def preferences_of(user: User) -> dict[Category, Mode]:
    """The user's mode for every category."""
    chosen = dict(db.session.execute(select(
        NotificationPreference.category, NotificationPreference.mode).where(
        NotificationPreference.user_id == user.id)).all())
    return {category: (Mode.IMMEDIATELY if category in ALWAYS_ON
                       else chosen.get(category, Mode.IMMEDIATELY)) for category in Category}


def set_preferences(user: User, modes: dict) -> None:
    """Save the user's choice per category; security messages cannot be switched off."""
    current = {p.category: p for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for name, value in modes.items():
        try:
            category, mode = Category(name), Mode(value)
        except ValueError:
            raise ServiceError(_("Choose one of the options."), field=str(name)) from None
        if category in ALWAYS_ON:
            if mode != Mode.IMMEDIATELY:
                raise ServiceError(_("Security messages are always sent."), field=str(name))
            continue
        if category in current:
            current[category].mode = mode
        else:
            db.session.add(NotificationPreference(user_id=user.id, category=category,
                                                  mode=mode))


# --- the list --------------------------------------------------------------------------------

def unread_count(user: User) -> int:
    """How many of the user's notifications are unread (the bell): one indexed count."""
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def page_of(user: User, page: int):
    """The user's notifications, newest first, a page at a time."""
    statement = (select(Notification).where(Notification.user_id == user.id)
                 .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(statement, page=max(page, 1), per_page=PER_PAGE, error_out=False)


def get_own(user: User, notification_id: int) -> Notification:
    """The user's own notification; anyone else's is not there (404)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotVisible()
    return notification


def mark_read(user: User, notification_id: int) -> None:
    notification = get_own(user, notification_id)
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(
        read_at=utcnow()))
    return result.rowcount or 0


def target_of(notification: Notification) -> tuple[str, dict, str]:
    """Where opening the notification leads: (endpoint, arguments, path)."""
    return notification.endpoint, dict(notification.link_args or {}), notification.path


# --- the scheduled jobs ----------------------------------------------------------------------

def send_digests(today: date | None = None) -> int:
    """One e-mail per user listing the notifications waiting for their digest; a user already
    sent one today gets none (running twice a day sends once). Returns how many went out."""
    today = today or utcnow().date()
    waiting = db.session.scalars(
        select(Notification).where(Notification.delivery == Delivery.DIGEST)
        .order_by(Notification.user_id, Notification.created_at, Notification.id)).all()
    by_user: dict[int, list[Notification]] = {}
    for notification in waiting:
        by_user.setdefault(notification.user_id, []).append(notification)
    if not by_user:
        return 0
    sent_today = set(db.session.scalars(select(NotificationDigest.user_id).where(
        NotificationDigest.sent_on == today, NotificationDigest.user_id.in_(list(by_user)))))
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(by_user))))}
    sent = 0
    for user_id, notifications in by_user.items():
        user = users.get(user_id)
        if user_id in sent_today or user is None:
            continue
        if user.active:
            _email_digest(user, notifications)
            sent += 1
        for notification in notifications:
            notification.delivery = Delivery.DIGESTED
        db.session.add(NotificationDigest(user_id=user_id, sent_on=today,
                                          count=len(notifications)))
    return sent


def _email_digest(user: User, notifications: list[Notification]) -> None:
    language = language_of(user)
    with force_locale(language):
        lines = "\n".join(f"- {texts.title(n.kind, n.params, language)}"
                          for n in notifications)
        subject = ngettext("Your daily summary: %(num)d update",
                           "Your daily summary: %(num)d updates", len(notifications))
        queue_email(user.email, subject, _(
            "What happened on the medical partnerships platform:\n\n%(lines)s\n\n"
            "Open your notifications:\n%(link)s", lines=lines,
            link=external_url("notifications.index")))


def purge(now=None) -> int:
    """Delete notifications older than 180 days (and digest records as old); returns how many
    notifications went."""
    cutoff = (now or utcnow()) - timedelta(days=KEPT_DAYS)
    result = db.session.execute(delete(Notification).where(Notification.created_at < cutoff))
    db.session.execute(delete(NotificationDigest).where(
        NotificationDigest.sent_on < cutoff.date()))
    return result.rowcount or 0
