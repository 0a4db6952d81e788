"""Who reacts to which domain event: one registration per line.

Each handler takes the event and a dict shared by one dispatch run (so a run recomputes each
organisation's proposals once however many of its events it carries). A handler runs in its own
transaction together with the record that it ran: it must only change the database (or queue a
job that is safe to run twice). To add one, write the function and decorate it with
``@handles(TheEvent, ...)``.
"""

from .core.events import (
    AgreedListChanged,
    ChildCaseChanged,
    ColleagueInvited,
    ContactMessageSent,
    ImportApplied,
    ItemChanged,
    MatchDecided,
    MatchingSettingsChanged,
    MemorandumChanged,
    OrganisationChanged,
    OrganisationDecided,
    PartnershipOpened,
    PartnershipStatusChanged,
    RecomputationRequested,
    handles,
)
from .extensions import db

EVERYONE = None


@handles(OrganisationChanged, OrganisationDecided, AgreedListChanged, ItemChanged,
         ImportApplied, MatchingSettingsChanged, RecomputationRequested)
def recompute_proposals(event, batch: dict) -> None:
    """Fresh proposals for the organisation the event is about (or for everyone): in the
    background with ``REDIS_URL``, here otherwise."""
    from .matching import jobs

    organisation_id = getattr(event, "organisation_id", EVERYONE)
    done = batch.setdefault("recomputed", set())
    if EVERYONE in done or organisation_id in done:
        return
    jobs.recompute(organisation_id)
    done.add(organisation_id)


@handles(OrganisationDecided)
def tell_managers_of_decision(event: OrganisationDecided, _batch: dict) -> None:
    """Tell the organisation's managers the embassy's decision (in the app and by e-mail),
    each in their language."""
    from .organisations.models import Organisation
    from .organisations.verification import tell_managers

    organisation = db.session.get(Organisation, event.organisation_id)
    if organisation is not None:
        tell_managers(organisation, event.action, event.reason)


# --- notifications: who is told at each hand-off (each area names its recipients) ---------

@handles(MatchDecided)
def tell_of_match_decision(event: MatchDecided, _batch: dict) -> None:
    """Interest received, mutual interest (to the embassy too), match vetted."""
    from .matching.notices import tell_of_decision

    tell_of_decision(event.match_id, event.status, event.actor_id)


@handles(PartnershipOpened)
def tell_of_partnership_opened(event: PartnershipOpened, _batch: dict) -> None:
    from .partnerships.notices import tell_of_opening

    tell_of_opening(event.partnership_id, event.actor_id)


@handles(PartnershipStatusChanged)
def tell_of_partnership_status(event: PartnershipStatusChanged, _batch: dict) -> None:
    from .partnerships.notices import tell_of_status

    tell_of_status(event.partnership_id, event.status, event.actor_id)


@handles(MemorandumChanged)
def tell_of_memorandum_step(event: MemorandumChanged, _batch: dict) -> None:
    """Submitted, commented, approved, agreed, signed, returned to draft."""
    from .memoranda.notices import tell_of_step

    tell_of_step(event.memorandum_id, event.change, event.actor_id, event.party, event.version)


@handles(ColleagueInvited)
def tell_of_colleague_invited(event: ColleagueInvited, _batch: dict) -> None:
    from .organisations.services import tell_of_invitation

    tell_of_invitation(event.organisation_id, event.user_id, event.actor_id)


@handles(ChildCaseChanged)
def tell_of_child_placed(event: ChildCaseChanged, _batch: dict) -> None:
    """The centre hears of a child placed with it, by the case code only."""
    if event.change == "placed":
        from .programme.notices import tell_of_placement

        tell_of_placement(event.case_code, event.actor_id)


@handles(ContactMessageSent)
def tell_officers_of_message(event: ContactMessageSent, _batch: dict) -> None:
    """The embassy's officers hear of a message sent through the contact form."""
    from .helpdesk.services import tell_officers

    tell_officers(event.message_id)
