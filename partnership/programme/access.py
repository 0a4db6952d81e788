"""Who may see what in the programme: checked in the services, per case."""

from ..auth.models import User
from ..core.access import NotVisible
from ..core.roles import Role

COORDINATOR = Role.PROGRAMME_COORDINATOR


def is_coordinator(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.role == COORDINATOR)


def is_centre_staff(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.CENTRE_STAFF
                and user.organisation_id)


def require_coordinator(user: User | None) -> None:
    """Case-level pages answer 404 to everyone but the coordinator: they do not leak."""
    if not is_coordinator(user):
        raise NotVisible()
