"""The embassy's decisions on organisations: verify, reject, suspend, reinstate, agreed list."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..auth.models import User
from ..core.access import NotVisible, require_role
from ..core.audit import record
from ..core.database import utcnow
from ..core.events import AgreedListChanged, OrganisationDecided, emit
from ..core.roles import EMBASSY_ROLES
from ..core.services import ServiceError
from ..extensions import db
from ..notifications.services import notify
from . import services
from .models import Organisation, Status

# (from, action) -> to: the organisation lifecycle in one table.
TRANSITIONS = {
    (Status.PENDING, "verify"): Status.VERIFIED,
    (Status.PENDING, "reject"): Status.REJECTED,
    (Status.REJECTED, "verify"): Status.VERIFIED,
    (Status.VERIFIED, "suspend"): Status.SUSPENDED,
    (Status.SUSPENDED, "reinstate"): Status.VERIFIED,
}
NEEDS_REASON = {"reject", "suspend"}


def queue_counts(actor: User) -> dict[str, int]:
    """How many organisations are in each status."""
    require_role(actor, *EMBASSY_ROLES)
    rows = db.session.execute(select(Organisation.status, func.count(Organisation.id))
                              .group_by(Organisation.status)).all()
    return {str(status): count for status, count in rows}


def list_for_embassy(actor: User, status: str | None, page: int, per_page: int = 25):
    """Organisations for the embassy's queue, oldest first in each status."""
    require_role(actor, *EMBASSY_ROLES)
    statement = select(Organisation).order_by(Organisation.created_at, Organisation.id)
    if status:
        statement = statement.where(Organisation.status == Status(status))
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def get_for_embassy(actor: User, organisation_id: int) -> Organisation:
    require_role(actor, *EMBASSY_ROLES)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotVisible()
    return organisation


def allowed_actions(organisation: Organisation) -> list[str]:
    return [action for (state, action) in TRANSITIONS if state == organisation.status]


def decide(actor: User, organisation: Organisation, action: str, reason: str = "") -> None:
    """Apply an embassy decision; refuse one that the table does not allow."""
    require_role(actor, *EMBASSY_ROLES)
    target = TRANSITIONS.get((organisation.status, action))
    if target is None:
        raise ServiceError(_("This decision is not possible for an organisation in this state."))
    reason = reason.strip()
    if action in NEEDS_REASON and not reason:
        raise ServiceError(_("Give a reason: the organisation's manager will read it."),
                           field="reason")
    before = organisation.status
    organisation.status = target
    organisation.status_reason = reason
    if target == Status.VERIFIED:
        organisation.verified_at = utcnow()
    record(f"organisation.{action}", actor=actor, obj=organisation, before=str(before),
           after=str(target), reason=reason)
    emit(OrganisationDecided(organisation_id=organisation.id, action=action,
                             status=str(target), reason=reason))


def set_agreed_list(actor: User, organisation: Organisation, on_list: bool) -> None:
    """Put the organisation on (or off) the list agreed between the two countries."""
    require_role(actor, *EMBASSY_ROLES)
    if organisation.on_agreed_list != on_list:
        organisation.on_agreed_list = on_list
        record("organisation.agreed_list", actor=actor, obj=organisation, on_list=on_list)
        emit(AgreedListChanged(organisation_id=organisation.id, on_list=on_list))


def tell_managers(organisation: Organisation, action: str, reason: str) -> None:
    """Tell the organisation's managers the embassy's decision, in the app and by e-mail, each
    in their language (the handler of ``OrganisationDecided``)."""
    endpoint = "organisations.decision" if action == "reject" else "organisations.mine"
    notify(services.active_managers(organisation.id), f"organisation_{action}",
           {"name": services.names_of(organisation), "reason": reason}, endpoint=endpoint)
