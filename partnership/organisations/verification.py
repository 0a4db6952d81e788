"""The embassy's decisions on organisations: verify, reject, return for changes, suspend,
reinstate, agreed list; and the managers' "send for verification again" after a return."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..auth.models import User
from ..auth.services import active_with_role
from ..core.access import NotVisible, require_role
from ..core.audit import record
from ..core.database import utcnow
from ..core.events import AgreedListChanged, OrganisationDecided, emit
from ..core.roles import EMBASSY_ROLES, Role
from ..core.services import ServiceError
from ..core.sorting import SortOrder, sort_statement
from ..extensions import db
from ..notifications.services import notify
from . import access, services
from .models import Organisation, Status
from .ordering import name_in

# (from, action) -> to: the organisation lifecycle in one table.
TRANSITIONS = {
    (Status.PENDING, "verify"): Status.VERIFIED,
    (Status.PENDING, "reject"): Status.REJECTED,
    (Status.PENDING, "return"): Status.CHANGES_REQUESTED,
    (Status.REJECTED, "verify"): Status.VERIFIED,
    (Status.VERIFIED, "suspend"): Status.SUSPENDED,
    (Status.SUSPENDED, "reinstate"): Status.VERIFIED,
}
NEEDS_REASON = {"reject", "suspend", "return"}
RESUBMIT = "resubmit"  # the managers' action after a return: back to pending


def queue_counts(actor: User) -> dict[str, int]:
    """How many organisations are in each status."""
    require_role(actor, *EMBASSY_ROLES)
    rows = db.session.execute(select(Organisation.status, func.count(Organisation.id))
                              .group_by(Organisation.status)).all()
    return {str(status): count for status, count in rows}


def queue_sorts(language: str) -> dict:
    """The columns the embassy's list sorts by (``?sort=``), names in ``language``."""
    return {"name": (name_in(language),), "country": (Organisation.country,),
            "registered": (Organisation.created_at,),
            "agreed": (Organisation.on_agreed_list,)}


OLDEST_FIRST = SortOrder("registered")


def list_for_embassy(actor: User, status: str | None, page: int, per_page: int = 25,
                     sort: SortOrder = OLDEST_FIRST, language: str = "uk"):
    """Organisations for the embassy's queue, oldest first in each status unless another
    order is asked."""
    require_role(actor, *EMBASSY_ROLES)
    statement = sort_statement(select(Organisation), sort, queue_sorts(language),
                               Organisation.id)
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


def resubmit_refusal(actor: User, organisation: Organisation) -> str | None:
    """Why ``actor`` may not send the organisation for verification again (None: they may):
    only its managers, and only while the embassy has returned it for changes."""
    if not access.can_manage(actor, organisation):
        return _("Only the organisation's managers can send it for verification again.")
    if organisation.status != Status.CHANGES_REQUESTED:
        return _("The embassy has not returned this organisation for changes.")
    return None


def can_resubmit(actor: User, organisation: Organisation) -> bool:
    return resubmit_refusal(actor, organisation) is None


def resubmit(actor: User, organisation: Organisation) -> None:
    """A manager sends the organisation returned for changes back to the embassy: pending
    again, the embassy's note kept in the audit only, and the officers told."""
    access.require_manager(actor, organisation)
    refusal = resubmit_refusal(actor, organisation)
    if refusal:
        raise ServiceError(refusal)
    before = organisation.status
    organisation.status = Status.PENDING
    organisation.status_reason = ""
    record(f"organisation.{RESUBMIT}", actor=actor, obj=organisation, before=str(before),
           after=str(Status.PENDING))
    emit(OrganisationDecided(organisation_id=organisation.id, action=RESUBMIT,
                             status=str(Status.PENDING)))


def tell_managers(organisation: Organisation, action: str, reason: str) -> None:
    """Tell the organisation's managers the embassy's decision, in the app and by e-mail, each
    in their language (the handler of ``OrganisationDecided``); after a resubmission, tell
    the embassy's officers instead."""
    names = services.names_of(organisation)
    if action == RESUBMIT:
        notify(active_with_role(Role.EMBASSY_OFFICER), "organisation_resubmitted",
               {"name": names}, endpoint="verification.organisation",
               link_args={"organisation_id": organisation.id})
        return
    if action == "return":
        notify(services.active_managers(organisation.id), "organisation_return",
               {"name": names, "reason": reason}, endpoint="organisations.edit",
               link_args={"organisation_id": organisation.id})
        return
    endpoint = "organisations.decision" if action == "reject" else "organisations.mine"
    notify(services.active_managers(organisation.id), f"organisation_{action}",
           {"name": names, "reason": reason}, endpoint=endpoint)
