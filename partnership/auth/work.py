"""What waits for the administrator, for "My work": one aggregate query per question,
answering (how many, the oldest, the user's id when there is exactly one)."""

from flask import current_app
from sqlalchemy import func, select

from ..core.database import utcnow
from ..extensions import db
from .models import LoginFailure, TokenPurpose, User, UserToken


def _one(statement) -> tuple:
    count, when, single = db.session.execute(statement).one()
    return count or 0, when, single


def locked_accounts(now=None) -> tuple:
    """Accounts locked now by too many failed log-ins in the lock window (as ``is_locked``
    decides). ``oldest``: the earliest failure among them."""
    config = current_app.config
    since = (now or utcnow()) - config["LOGIN_LOCK_WINDOW"]
    per_address = (select(LoginFailure.email, func.min(LoginFailure.at).label("first"))
                   .where(LoginFailure.at >= since).group_by(LoginFailure.email)
                   .having(func.count(LoginFailure.id) >= config["LOGIN_LOCK_THRESHOLD"])
                   .subquery())
    return _one(select(func.count(User.id), func.min(per_address.c.first), func.max(User.id))
                .join(per_address, per_address.c.email == User.email))


def pending_invitations(now=None) -> tuple:
    """Invitations sent, still valid and not yet accepted."""
    return _one(select(func.count(UserToken.user_id.distinct()), func.min(UserToken.created_at),
                       func.max(UserToken.user_id))
                .join(User, User.id == UserToken.user_id)
                .where(UserToken.purpose == TokenPurpose.INVITATION,
                       UserToken.used_at.is_(None), UserToken.expires_at > (now or utcnow()),
                       User.password_hash.is_(None)))


def without_second_factor() -> tuple:
    """Active users whose role requires a second factor and who have none yet."""
    return _one(select(func.count(User.id), func.min(User.created_at), func.max(User.id))
                .where(User.role.in_(current_app.config["TOTP_REQUIRED_ROLES"]),
                       User.active.is_(True), User.totp_secret.is_(None)))
