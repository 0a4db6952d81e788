"""Who hears of a decision on a match, and what they are told (the handler of
``MatchDecided`` calls ``tell_of_decision``)."""

from ..auth.models import User
from ..auth.services import active_with_role
from ..core.roles import Role
from ..extensions import db
from ..notifications.services import notify
from ..organisations.services import active_people, names_of
from .models import Match, MatchStatus


def tell_of_decision(match_id: int, status: str, actor_id: int | None) -> None:
    """Interest: the other side's people. Mutual interest: the side that had asked first,
    and the embassy's officers (it is theirs to vet). Vetted: both sides. The actor never."""
    match = db.session.get(Match, match_id)
    if match is None:
        return
    need, offer = match.need_organisation, match.offer_organisation
    status = MatchStatus(status)

    def proposals(organisation):
        return {"endpoint": "matching.proposals",
                "link_args": {"organisation_id": organisation.id}, "actor_id": actor_id}

    if status in (MatchStatus.INTEREST_NEED, MatchStatus.INTEREST_OFFER):
        asking, asked = (need, offer) if status == MatchStatus.INTEREST_NEED else (offer, need)
        notify(active_people(asked.id), "interest_received", {"partner": names_of(asking)},
               **proposals(asked))
    elif status == MatchStatus.MUTUALLY_ACCEPTED:
        # The side whose manager just answered knows; the side that asked first hears.
        actor = db.session.get(User, actor_id) if actor_id else None
        acting = getattr(actor, "organisation_id", None)
        for organisation, partner in ((need, offer), (offer, need)):
            if organisation.id != acting:
                notify(active_people(organisation.id), "mutual_interest",
                       {"partner": names_of(partner)}, **proposals(organisation))
        notify(active_with_role(Role.EMBASSY_OFFICER), "mutual_interest_embassy",
               {"need": names_of(need), "offer": names_of(offer)}, endpoint="matching.detail",
               link_args={"match_id": match.id}, actor_id=actor_id)
    elif status == MatchStatus.VETTED:
        for organisation, partner in ((need, offer), (offer, need)):
            notify(active_people(organisation.id), "match_vetted",
                   {"partner": names_of(partner)}, **proposals(organisation))
