"""Who may see and change an organisation: checked in services, per object."""

from ..auth.models import User
from ..core.access import NotVisible
from ..core.roles import EMBASSY_ROLES, ORG_ROLES, Role
from .models import Organisation, Status


def is_embassy(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.role in EMBASSY_ROLES)


def belongs_to(user: User | None, organisation: Organisation) -> bool:
    """A member or manager of this organisation, unless the embassy has rejected it."""
    return bool(user and user.is_authenticated and user.role in ORG_ROLES
                and user.organisation_id == organisation.id
                and organisation.status != Status.REJECTED)


def sees_only_the_decision(user: User | None) -> bool:
    """People of a rejected organisation: they may sign in, but only to read the decision."""
    organisation = getattr(user, "organisation", None) if user and user.is_authenticated \
        else None
    return bool(organisation is not None and user.role in ORG_ROLES
                and organisation.status == Status.REJECTED)


def can_view_workspace(user: User | None, organisation: Organisation) -> bool:
    """The organisation's own page with colleagues and all items (incl. withdrawn)."""
    return belongs_to(user, organisation) or is_embassy(user)


def can_manage(user: User | None, organisation: Organisation) -> bool:
    """Edit the profile, offers and needs, invite and remove colleagues."""
    return belongs_to(user, organisation) and user.role == Role.ORG_MANAGER


def can_invite(user: User | None, organisation: Organisation) -> bool:
    """Managers invite colleagues once the embassy has verified the organisation: an address
    invited by an unchecked organisation would be held by people nobody has checked."""
    return can_manage(user, organisation) and organisation.status == Status.VERIFIED


def require_manager(user: User | None, organisation: Organisation) -> None:
    if not can_manage(user, organisation):
        raise NotVisible()


def is_public(organisation: Organisation) -> bool:
    return organisation.status == Status.VERIFIED and organisation.public_listing


def can_view_public_page(user: User | None, organisation: Organisation) -> bool:
    return is_public(organisation) or can_view_workspace(user, organisation)


def sees_contacts(user: User | None) -> bool:
    """Signed-in people of verified organisations, and the embassy, see contact details."""
    if is_embassy(user):
        return True
    organisation = getattr(user, "organisation", None) if user and user.is_authenticated else None
    return organisation is not None and organisation.status == Status.VERIFIED
