"""Who may do what, at the coarsest grain: the refusals services raise, the role check they
make, and the view guard whose roles the menu reads. Object-level checks live in the areas."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


class AccessDenied(Exception):
    """The acting user may not do this to this object (shown as 404 or 403 by the views)."""


class NotVisible(AccessDenied):
    """The object is not the acting user's to see: answered as 404, so it does not leak."""


def require_role(actor, *roles: str) -> None:
    """Refuse unless the acting user has one of ``roles``."""
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.role not in roles:
        raise AccessDenied()


def roles_required(*roles: str):
    """Signed-in users with one of ``roles`` pass; others get 403, visitors the log-in page.

    The roles stay on the view (``allowed_roles``): the menu offers a page to exactly the
    roles its view lets in."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)
        return wrapper

    return decorator


def allowed_roles(view) -> frozenset | None:
    """The roles a view declared with ``roles_required``; None when it declared none."""
    return getattr(view, "allowed_roles", None)
