"""Who is who: the roles, the groups of roles that views, services and the menu check, and
their names. Every area reads these; none keeps its own list."""

import enum

from flask_babel import lazy_gettext as _l


class Role(enum.StrEnum):
    ORG_MEMBER = "org_member"
    ORG_MANAGER = "org_manager"
    CENTRE_STAFF = "centre_staff"
    EMBASSY_OFFICER = "embassy_officer"
    PROGRAMME_COORDINATOR = "programme_coordinator"
    ADMIN = "admin"


EMBASSY_ROLES = (Role.EMBASSY_OFFICER, Role.ADMIN)
ORG_ROLES = (Role.ORG_MEMBER, Role.ORG_MANAGER)
ADMIN_ROLES = (Role.ADMIN,)
COORDINATOR_ROLES = (Role.PROGRAMME_COORDINATOR,)
CENTRE_ROLES = (Role.CENTRE_STAFF,)
# The programme's anonymous figures: the coordinator and the embassy officer.
REPORT_ROLES = (Role.PROGRAMME_COORDINATOR, Role.EMBASSY_OFFICER)

ROLE_LABELS = {
    Role.ORG_MEMBER: _l("Organisation member"),
    Role.ORG_MANAGER: _l("Organisation manager"),
    Role.CENTRE_STAFF: _l("Rehabilitation centre staff"),
    Role.EMBASSY_OFFICER: _l("Embassy officer"),
    Role.PROGRAMME_COORDINATOR: _l("Programme coordinator"),
    Role.ADMIN: _l("Administrator"),
}


def role_label(role) -> str:
    """The role's name in the reader's language (an unknown code shows as itself)."""
    try:
        return str(ROLE_LABELS[Role(str(role))])
    except ValueError:
        return str(role)
