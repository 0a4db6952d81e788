"""What people do with a proposal: show interest, decline, vet, hide, propose by hand."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..core.access import NotVisible, require_role
from ..core.audit import record
from ..core.database import utcnow
from ..core.events import MatchDecided, emit
from ..core.roles import EMBASSY_ROLES, ORG_ROLES, Role
from ..core.services import ServiceError
from ..extensions import db
from ..organisations import access
from ..organisations.models import Direction, Item, ItemStatus, Organisation, Status
from . import engine, workflow
from .models import OPEN_STATUSES, Match, MatchStatus, Origin
from .services import as_entry, load_world, related_areas

VISIBLE_TO_ORGANISATIONS = (*OPEN_STATUSES, MatchStatus.VETTED)


def _with_everything(statement):
    return statement.options(joinedload(Match.need), joinedload(Match.offer),
                             joinedload(Match.need_organisation),
                             joinedload(Match.offer_organisation))


def side_of(actor: User, match: Match) -> str | None:
    """'need_side', 'offer_side', 'embassy' or None: who the actor is for this match."""
    if access.is_embassy(actor):
        return workflow.EMBASSY
    if actor.role in ORG_ROLES and actor.organisation_id == match.need_organisation_id:
        return workflow.NEED
    if actor.role in ORG_ROLES and actor.organisation_id == match.offer_organisation_id:
        return workflow.OFFER
    return None


def get_match(actor: User, match_id: int) -> Match:
    """A match the actor may see: its two organisations' people and the embassy."""
    match = db.session.scalar(_with_everything(select(Match).where(Match.id == match_id)))
    if match is None or side_of(actor, match) is None:
        raise NotVisible()
    if side_of(actor, match) != workflow.EMBASSY and match.status not in VISIBLE_TO_ORGANISATIONS:
        raise NotVisible()
    return match


def proposals_for(actor: User, organisation: Organisation) -> list[Match]:
    """The organisation's open and vetted matches, best first, with both items and both
    organisations (one query; ``explaining.explanations`` reads what the partners offer back)."""
    if not access.can_view_workspace(actor, organisation):
        raise NotVisible()
    statement = _with_everything(select(Match).where(
        (Match.need_organisation_id == organisation.id)
        | (Match.offer_organisation_id == organisation.id),
        Match.status.in_(VISIBLE_TO_ORGANISATIONS)).order_by(Match.score.desc(), Match.id))
    return list(db.session.scalars(statement).unique())


def refusal(actor: User, match: Match, action: str) -> Exception | None:
    """Why the actor may not take ``action`` on the match now, or None. The services raise
    it; the pages show an action's button only when there is none."""
    who = side_of(actor, match)
    if who is None:
        return NotVisible()
    if who in (workflow.NEED, workflow.OFFER) and actor.role != Role.ORG_MANAGER:
        return ServiceError(_("Only the organisation's managers decide on proposals."))
    if action not in workflow.allowed_actions(match.status, who):
        return ServiceError(_("This is not possible for a proposal in its current state."))
    return None


def can_express_interest(actor: User, match: Match) -> bool:
    return refusal(actor, match, "interest") is None


def can_decline(actor: User, match: Match) -> bool:
    return refusal(actor, match, "decline") is None


def can_vet(actor: User, match: Match) -> bool:
    return refusal(actor, match, "vet") is None


def can_hide(actor: User, match: Match) -> bool:
    return refusal(actor, match, "hide") is None


@dataclass(frozen=True)
class MatchPermissions:
    """What the actor may do with a match now: the buttons of its card or page."""

    interest: bool
    decline: bool
    vet: bool
    hide: bool


def permissions_of(actor: User, match: Match) -> MatchPermissions:
    return MatchPermissions(interest=can_express_interest(actor, match),
                            decline=can_decline(actor, match), vet=can_vet(actor, match),
                            hide=can_hide(actor, match))


def permissions_for(actor: User, matches: list[Match]) -> dict[int, MatchPermissions]:
    """``permissions_of`` for a page of matches, by match id. ``refusal`` reads only who the
    actor is for a match and the match's state, so each (side, state) is worked out once."""
    known: dict[tuple, MatchPermissions] = {}
    found = {}
    for match in matches:
        key = (side_of(actor, match), match.status)
        if key not in known:
            known[key] = permissions_of(actor, match)
        found[match.id] = known[key]
    return found


def _act(actor: User, match: Match, action: str, reason: str = "") -> MatchStatus:
    problem = refusal(actor, match, action)
    if problem is not None:
        raise problem
    who = side_of(actor, match)
    target = workflow.next_state(match.status, action, who)
    before = match.status
    match.status = target
    _stamp(match, target)
    if reason:
        match.status_reason = reason
    record(f"match.{action}", actor=actor, obj=match, before=str(before), after=str(target),
           side=who, reason=reason)
    emit(MatchDecided(match_id=match.id, status=str(target), actor_id=actor.id))
    return target


def _stamp(match: Match, target: MatchStatus) -> None:
    """Note when the pair first reached a step of the funnel (the embassy's dashboard)."""
    now = utcnow()
    if target in (MatchStatus.INTEREST_NEED, MatchStatus.INTEREST_OFFER,
                  MatchStatus.MUTUALLY_ACCEPTED) and match.interest_at is None:
        match.interest_at = now
    if target == MatchStatus.MUTUALLY_ACCEPTED and match.mutual_at is None:
        match.mutual_at = now
    if target == MatchStatus.VETTED and match.vetted_at is None:
        match.vetted_at = now


def express_interest(actor: User, match: Match) -> MatchStatus:
    """A manager says their organisation is interested; both interested: mutually accepted."""
    return _act(actor, match, "interest")


def decline(actor: User, match: Match, reason: str) -> None:
    """A manager declines; the pair is not proposed again unless one of its items changes."""
    if not reason.strip():
        raise ServiceError(_("Say briefly why: it helps the embassy propose better partners."),
                           field="reason")
    _act(actor, match, "decline", reason.strip())


def hide(actor: User, match: Match, reason: str) -> None:
    """The embassy hides a proposal it considers unsuitable, with a reason."""
    require_role(actor, *EMBASSY_ROLES)
    if not reason.strip():
        raise ServiceError(_("Give the reason for hiding this proposal."), field="reason")
    _act(actor, match, "hide", reason.strip())


def vet(actor: User, match: Match) -> None:
    """The embassy vets a mutually accepted match (``partnerships.services.vet_match`` then
    starts or joins the partnership)."""
    require_role(actor, *EMBASSY_ROLES)
    _act(actor, match, "vet")


@dataclass
class ManualProposal:
    need_id: int
    offer_id: int
    rationale: str


def propose_by_hand(actor: User, proposal: ManualProposal) -> Match:
    """The embassy pairs a need with an offer itself, with a written rationale."""
    require_role(actor, *EMBASSY_ROLES)
    need, offer = db.session.get(Item, proposal.need_id), db.session.get(Item, proposal.offer_id)
    problems = []  # every field's problem at once
    if need is None or need.direction != Direction.NEED:
        problems.append(("need_id", _("Choose a need.")))
    if offer is None or offer.direction != Direction.OFFER:
        problems.append(("offer_id", _("Choose an offer.")))
    if not proposal.rationale.strip():
        problems.append(("rationale", _("Write why these two should work together.")))
    if problems:
        raise ServiceError(problems[0][1], field=problems[0][0], problems=problems)
    for item in (need, offer):
        if item.status != ItemStatus.ACTIVE or item.organisation.status != Status.VERIFIED:
            raise ServiceError(_("Both items must be current and their organisations "
                                 "verified."))
    parties, entries, _versions, _areas = load_world(utcnow().date())
    need_party, offer_party = parties[need.organisation_id], parties[offer.organisation_id]
    if not engine.offer_may_serve(offer_party, need_party):
        raise ServiceError(_("Partnerships join a Ukrainian and a Kazakh organisation; "
                             "businesses and charities help Ukrainian institutions."))
    existing = db.session.scalar(select(Match).where(Match.need_id == need.id,
                                                     Match.offer_id == offer.id))
    if existing is not None and existing.status in OPEN_STATUSES:
        raise ServiceError(_("This pair is already proposed."))
    scored = engine.score_pair(parties, as_entry(need), as_entry(offer), related_areas(),
                               entries)
    values = {"score": scored.score, "components": dict(scored.components)}
    if existing is None:
        existing = Match(need_id=need.id, offer_id=offer.id,
                         need_organisation_id=need.organisation_id,
                         offer_organisation_id=offer.organisation_id,
                         need_version=need.updated_at, offer_version=offer.updated_at,
                         created_at=utcnow())
        db.session.add(existing)
    for key, value in values.items():
        setattr(existing, key, value)
    existing.status, existing.origin = MatchStatus.PROPOSED, Origin.MANUAL
    existing.rationale = proposal.rationale.strip()
    db.session.flush()
    record("match.proposed_by_hand", actor=actor, obj=existing, rationale=existing.rationale)
    return existing


def status_counts(actor: User) -> dict[str, int]:
    require_role(actor, *EMBASSY_ROLES)
    rows = db.session.execute(select(Match.status, func.count(Match.id)).group_by(Match.status))
    return {str(status): count for status, count in rows}
