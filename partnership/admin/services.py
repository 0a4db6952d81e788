"""Read side of the administrator's pages: user and audit listings."""

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ..auth import services as accounts
from ..auth.models import User
from ..core.access import require_role
from ..core.models import AuditEvent
from ..core.roles import Role
from ..extensions import db
from ..notifications.services import notify

PAGE_SIZE = 50


def list_users(actor: User, page: int, query: str = ""):
    """A page of users, searched by e-mail or name."""
    require_role(actor, Role.ADMIN)
    statement = select(User).order_by(User.email)
    if query:
        like = f"%{query.strip().lower()}%"
        statement = statement.where(or_(User.email.like(like), User.full_name.ilike(like)))
    return db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)


def get_user(actor: User, user_id: int) -> User | None:
    """The user to edit, if the actor may."""
    require_role(actor, Role.ADMIN)
    return db.session.get(User, user_id)


def list_audit(actor: User, page: int, action: str = ""):
    """A page of the audit log, newest first, optionally filtered by action prefix."""
    require_role(actor, Role.ADMIN)
    statement = (select(AuditEvent).options(joinedload(AuditEvent.actor))
                 .order_by(AuditEvent.id.desc()))
    if action:
        statement = statement.where(AuditEvent.action.startswith(action.strip()))
    return db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)


def reset_second_factor(actor: User, user: User) -> None:
    """Remove a user's second factor, and tell them (a security message: always sent)."""
    accounts.reset_second_factor(actor, user)
    notify([user], "second_factor_reset", endpoint="auth.account", actor_id=actor.id)
