"""Who reacts to which domain event: one registration per line.

Each handler takes the event and a dict shared by one dispatch run (so a run recomputes each
organisation's proposals once however many of its events it carries). A handler runs in its own
transaction together with the record that it ran: it must only change the database (or queue a
job that is safe to run twice). To add one, write the function and decorate it with
``@handles(TheEvent, ...)``.
"""

from .core.events import (
    AgreedListChanged,
    ImportApplied,
    ItemChanged,
    MatchingSettingsChanged,
    OrganisationChanged,
    OrganisationDecided,
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
    """E-mail the organisation's managers the embassy's decision, each in their language."""
    from .organisations.models import Organisation
    from .organisations.verification import tell_managers

    organisation = db.session.get(Organisation, event.organisation_id)
    if organisation is not None:
        tell_managers(organisation, event.action, event.reason)
