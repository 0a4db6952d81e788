"""Read side of the administrator's pages: user and audit listings."""

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ..auth import services as accounts
from ..auth.models import User
from ..core.access import require_role
from ..core.models import AuditEvent
from ..core.roles import Role
from ..core.sorting import SortOrder, sort_statement
from ..extensions import db
from ..notifications.services import notify

PAGE_SIZE = 50


# The columns each list sorts by (``?sort=``), and what it sorts on.
USER_SORTS = {"email": (User.email,), "name": (User.full_name,),
              "last_login": (User.last_login_at,)}
AUDIT_SORTS = {
    "time": (AuditEvent.at,),
    "who": (select(User.email).where(User.id == AuditEvent.actor_id)
            .correlate(AuditEvent).scalar_subquery(),),
    "action": (AuditEvent.action,),
    "object": (AuditEvent.object_type, AuditEvent.object_id),
}

BY_EMAIL, NEWEST_FIRST = SortOrder("email"), SortOrder("time", descending=True)


def list_users(actor: User, page: int, query: str = "",
               sort: SortOrder = BY_EMAIL):
    """A page of users, searched by e-mail or name, in the order asked."""
    require_role(actor, Role.ADMIN)
    statement = sort_statement(select(User), sort, USER_SORTS, User.id)
    if query:
        like = f"%{query.strip().lower()}%"
        statement = statement.where(or_(User.email.like(like), User.full_name.ilike(like)))
    return db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)


def get_user(actor: User, user_id: int) -> User | None:
    """The user to edit, if the actor may."""
    require_role(actor, Role.ADMIN)
    return db.session.get(User, user_id)


def list_audit(actor: User, page: int, action: str = "",
               sort: SortOrder = NEWEST_FIRST):
    """A page of the audit log (newest first unless asked otherwise), optionally filtered by
    action prefix."""
    require_role(actor, Role.ADMIN)
    statement = sort_statement(select(AuditEvent).options(joinedload(AuditEvent.actor)), sort,
                               AUDIT_SORTS, AuditEvent.id.desc() if sort.descending
                               else AuditEvent.id)
    if action:
        statement = statement.where(AuditEvent.action.startswith(action.strip()))
    return db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)


def reset_second_factor(actor: User, user: User) -> None:
    """Remove a user's second factor, and tell them (a security message: always sent)."""
    accounts.reset_second_factor(actor, user)
    notify([user], "second_factor_reset", endpoint="auth.account", actor_id=actor.id)
