"""Why a proposal was made: its matched and missing reasons, derived from its stored components
and its items (deterministic, so they need not be stored for every proposal)."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, or_, select

from ..organisations.models import Direction, Item, ItemStatus
from . import engine
from .models import Match
from .pairs import reciprocal_offer
from .rules import WEIGHTS
from .services import ENTRY_COLUMNS, as_entry, as_party, entries_of, related_areas

Reasons = tuple[tuple, tuple]   # (matched, missing), each of (code, details) reasons


def explanation(match: Match) -> Reasons:
    """(matched, missing) reasons of one proposal, reading its organisations' items."""
    today = date.today()
    back_offers = [as_entry(i) for i in match.need_organisation.items
                   if i.direction == Direction.OFFER and i.is_current(today)]
    their_needs = [as_entry(i) for i in match.offer_organisation.items
                   if i.direction == Direction.NEED and i.is_current(today)]
    return _explain(match, back_offers, their_needs)


def explanations(matches: Iterable[Match]) -> dict[int, Reasons]:
    """The reasons of many proposals by match id, as ``explanation`` gives them, with every
    involved organisation's current items read in one query of plain rows (a proposals page's
    partners have hundreds of items; loading them as ORM objects cost most of the page)."""
    matches = list(matches)
    if not matches:
        return {}
    # Only what ``_explain`` reads: the offers of the sides with a need and the needs of the
    # sides with an offer (half the rows of every item of every organisation).
    offering = sorted({m.need_organisation_id for m in matches})
    needing = sorted({m.offer_organisation_id for m in matches})
    current = defaultdict(list)   # (organisation id, direction) -> its current items
    statement = select(*ENTRY_COLUMNS).where(
        or_(and_(Item.organisation_id.in_(offering), Item.direction == Direction.OFFER),
            and_(Item.organisation_id.in_(needing), Item.direction == Direction.NEED)),
        Item.status == ItemStatus.ACTIVE, Item.valid_until >= date.today()).order_by(Item.id)
    for entry, _updated_at in entries_of(statement):
        current[(entry.party, entry.direction)].append(entry)
    return {m.id: _explain(m, current[(m.need_organisation_id, str(Direction.OFFER))],
                           current[(m.offer_organisation_id, str(Direction.NEED))])
            for m in matches}


def _explain(match: Match, back_offers: list, their_needs: list) -> Reasons:
    parties = {o.id: as_party(o) for o in (match.need_organisation, match.offer_organisation)}
    need, offer = as_entry(match.need), as_entry(match.offer)
    components = match.components or {}
    if set(components) != set(WEIGHTS):  # an old or hand-made row: score it afresh
        components = engine.score_pair(parties, need, offer, related_areas(),
                                       back_offers + their_needs).components
    back = None
    if components.get("reciprocity"):
        back = reciprocal_offer(need, offer, back_offers, their_needs, related_areas())
    return engine.explain(need, offer, components, parties, back)
