"""Who hears of each memorandum step: the parties (each organisation's people, the embassy's
officers) other than the one who acted (the handler of ``MemorandumChanged`` calls this)."""

from ..auth.services import active_with_role
from ..core.roles import Role
from ..extensions import db
from ..notifications.services import notify
from ..notifications.texts import translated
from ..organisations.services import active_managers, active_people
from .labels import PARTIES
from .models import Memorandum, MemorandumState, Party

KINDS = {"submit": "memorandum_submitted", "commented": "memorandum_commented",
         "approved": "memorandum_approved", "agree": "memorandum_agreed",
         "sign": "memorandum_signed", "return": "memorandum_returned"}
# Steps that ask the parties to act (approve): told to the approvers; the rest to everyone.
TO_APPROVERS = ("submit", "approved")


def parties_of(memorandum: Memorandum, approvers_only: bool) -> dict[Party, list]:
    """The people of each party: the organisations' managers (and members, unless only the
    approvers are asked), and the embassy's officers."""
    partnership = memorandum.partnership
    people = active_managers if approvers_only else active_people
    return {Party.UKRAINIAN: people(partnership.ukrainian_organisation_id),
            Party.KAZAKH: people(partnership.kazakh_organisation_id),
            Party.EMBASSY: active_with_role(Role.EMBASSY_OFFICER)}


def tell_of_step(memorandum_id: int, change: str, actor_id: int | None, party: str = "",
                 version: int = 0) -> None:
    """Tell the parties of a step; an approval is told to the other parties (the approver's
    own party knows), and not at all when it was the last one (then "agreed" is told)."""
    kind = KINDS.get(change)
    memorandum = db.session.get(Memorandum, memorandum_id)
    if kind is None or memorandum is None:
        return
    if change == "approved" and memorandum.state != MemorandumState.IN_REVIEW:
        return
    parties = parties_of(memorandum, change in TO_APPROVERS)
    if change == "approved" and party:
        parties.pop(Party(party), None)
    recipients = [user for users in parties.values() for user in users]
    params = {"reference": memorandum.partnership.reference, "version": version}
    if party:
        params["party"] = translated(PARTIES[str(party)])
    notify(recipients, kind, params, endpoint="memoranda.page",
           link_args={"memorandum_id": memorandum.id}, actor_id=actor_id)
