"""The matching engine: offers meet needs, ranked and explained. Pure: no Flask, no database.

Give it the parties (organisations), their current offers and needs, and the taxonomy's
"related" links; it returns, for every need, the best offers of organisations of the other
country, each with a score in [0, 1], the score's components and the reasons behind it.

Candidates are not all pairs: needs are grouped by (area, country) and each group is scored only
against the offers of the other country in the same or a related area, as one matrix (numpy).
The descriptions' similarity, the one costly component, is computed for a short list per need.
"""

import gc
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from contextlib import contextmanager

import numpy as np

from . import rules
from .cells import COMPONENT_NAMES, Cells
from .pairs import Candidate, explain, reciprocal  # noqa: F401 - the engine's API
from .records import Entry, Party, Reason, Settings  # noqa: F401 - the API
from .text import similarity, stems

DEFAULT_SETTINGS = Settings()
# One pair scored alone: kept whatever its score, whatever the country rule says (the embassy's
# hand-made proposals are checked against that rule before they are scored).
ONE_PAIR = Settings(per_need=1, shortlist=1, min_score=-math.inf)
LANGUAGE_BITS = {"uk": 1, "kk": 2, "ru": 4, "en": 8}
DIMENSIONS = ("technological", "professional", "scientific", "administrative")
EXACT_SHIFT = 64
REACH_BITS = (1 << 63) - 1


class _Columns:
    """The numbers of a list of entries as arrays, built once; groups take rows by position."""

    def __init__(self, entries: list[Entry], parties, area_index, offer_masks, need_masks):
        n = len(entries)
        party = [parties[x.party] for x in entries]
        # Entries share a few language sets (the same frozenset objects): fold each once.
        language_bits = _Memo(_mask)
        forms = {form: i for i, form in enumerate(rules.FORMS)}
        dimensions = {dimension: i for i, dimension in enumerate(DIMENSIONS)}
        self.entries = entries
        self.id = np.fromiter((x.id for x in entries), np.int64, n)
        self.party = np.fromiter((x.party for x in entries), np.int64, n)
        self.area = np.fromiter((area_index[x.area] for x in entries), np.int64, n)
        self.form = np.fromiter((forms[x.form] for x in entries), np.int64, n)
        self.dimension = np.fromiter((dimensions.get(x.dimension, -1) for x in entries),
                                     np.int8, n)
        # Four language bits: one byte a cell in the groups' matrices, not eight.
        self.language = np.fromiter((language_bits[x.languages] for x in entries), np.uint8, n)
        self.party_language = np.fromiter((language_bits[p.languages] for p in party),
                                          np.uint8, n)
        self.quantity = np.array([np.nan if x.quantity is None else x.quantity for x in entries],
                                 dtype=float)
        self.urgency = np.array([rules.URGENCY.get(x.urgency, 0.5) for x in entries],
                                dtype=float)
        self.agreed = np.fromiter((p.on_agreed_list for p in party), bool, n)
        masks = [offer_masks.get(x.party, 0) for x in entries]
        # A party's offer mask holds the areas its offers reach (their own and the related
        # ones) in its low bits and the offers' own areas above EXACT_SHIFT.
        self.offers_of_party = np.fromiter((m & REACH_BITS for m in masks), np.int64, n)
        self.offers_exact = np.fromiter((m >> EXACT_SHIFT for m in masks), np.int64, n)
        self.splittable = np.fromiter((x.splittable for x in entries), bool, n)
        self.needs_of_party = np.fromiter((need_masks.get(x.party, 0) for x in entries),
                                          np.int64, n)
        self.kind = [p.kind for p in party]
        self.helper = np.fromiter((p.kind in rules.HELPER_KINDS for p in party), bool, n)


class _Memo(dict):
    """A function's values by argument, each worked out once (for one ``_Columns``)."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __missing__(self, key):
        value = self[key] = self.function(key)
        return value


class _Stems(dict):
    """Descriptions' stems by entry id, worked out when first compared."""

    def __init__(self, descriptions: dict[int, str]):
        super().__init__()
        self.descriptions = descriptions

    def __missing__(self, entry_id: int) -> frozenset[str]:
        found = self[entry_id] = stems(self.descriptions[entry_id])
        return found


def _mask(languages: Iterable[str]) -> int:
    bits = 0
    for language in languages:
        bits |= LANGUAGE_BITS.get(language, 0)
    return bits


def eligible_offer_countries(need_party: Party) -> str | None:
    """Which country's offers may meet this party's needs (None: this party has no needs)."""
    if need_party.kind in rules.HELPER_KINDS:
        return None
    return "KZ" if need_party.country == "UA" else "UA"


def offer_may_serve(offer_party: Party, need_party: Party) -> bool:
    """Country rule: Ukraine <-> Kazakhstan; businesses and charities serve Ukrainian needs."""
    if offer_party.id == need_party.id or eligible_offer_countries(need_party) is None:
        return False
    if offer_party.country == need_party.country:
        return False
    return offer_party.kind not in rules.HELPER_KINDS or need_party.country == "UA"


def score_pair(parties: Mapping[int, Party], need: Entry, offer: Entry,
               related: Mapping[str, frozenset[str]], entries: Iterable[Entry] = ()
               ) -> Candidate:
    """Score one pair with the engine's own code: the matrix path on a one-by-one group.

    For the embassy's hand-made proposals and for the explanation of a stored proposal; the
    score and components are those a full run stores for the same pair. ``entries`` give the
    parties' other items, for reciprocity; an unrelated area scores 0 for the area, a form that
    does not serve 0 for the form."""
    # The pair's own items join the triples so that any area has a position; they change no
    # reciprocity (that reads the need's party's offers and the offer's party's needs).
    area_index, offer_masks, need_masks = party_areas(
        [(e.party, e.direction, e.area) for e in (*entries, need, offer)], related)
    columns = [_Columns([x], parties, area_index, offer_masks, need_masks)
               for x in (need, offer)]
    texts = _Stems({need.id: need.description, offer.id: offer.description})
    row = np.array([0])
    [scored] = _score_group(need.area, parties[need.party].country, row, row, *columns,
                            parties, texts, ONE_PAIR, related, area_index)
    return scored


def propose(parties: Mapping[int, Party], entries: Iterable[Entry],
            related: Mapping[str, frozenset[str]], settings: Settings = DEFAULT_SETTINGS,
            involving: set[int] | None = None,
            areas_of: Iterable[tuple[int, str, str]] | None = None,
            masks: "PartyAreas | None" = None) -> list[Candidate]:
    """Ranked proposals, best first: for every need, or, with ``involving``, only those in
    which one of these parties takes part (its needs, and the needs its offers can meet).

    When ``entries`` holds only some of the current items (a recomputation), reciprocity needs
    each party whole: give ``areas_of``, the (party, direction, area) of every current item,
    or ``masks``, the same already folded by ``party_areas`` (a warm world keeps them)."""
    with collector_paused():
        return _propose(parties, entries, related, settings, involving, areas_of, masks)


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector: the engine allocates many small objects and makes
    no reference cycles, and full collections over a large world cost more than the work."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _propose(parties, entries, related, settings, involving, areas_of, masks
             ) -> list[Candidate]:
    entries = [e for e in entries if e.party in parties and e.form in rules.COMPATIBLE_FORMS]
    if masks is None:
        triples = areas_of if areas_of is not None else [(e.party, e.direction, e.area)
                                                         for e in entries]
        masks = party_areas(triples, related)
    area_index, offer_masks, need_masks = masks
    context = (parties, related, settings, area_index, offer_masks, need_masks)

    def may_need(e: Entry) -> bool:
        return eligible_offer_countries(parties[e.party]) is not None

    if involving is None:
        offers = [e for e in entries if e.direction == "offer"]
        needs = [e for e in entries if e.direction == "need" and may_need(e)]
        results = _match(needs, offers, *context)
    else:
        own_needs = [e for e in entries if e.party in involving and e.direction == "need"
                     and may_need(e)]
        own_offers = [e for e in entries if e.party in involving and e.direction == "offer"]
        # Only the other side's items that could share a group with one's own: same or
        # related area, the other country, a form that serves (or is served by) one's own.
        wanted_offers = pool_keys(own_needs, parties, related)
        wanted_needs = {(a, country, form)
                        for e in own_offers
                        for a, country, form in served_keys(e, parties, related)}
        offers = [e for e in entries if e.direction == "offer" and e.party not in involving
                  and (e.area, parties[e.party].country, e.form) in wanted_offers]
        needs = [e for e in entries if e.direction == "need" and e.party not in involving
                 and (e.area, parties[e.party].country, e.form) in wanted_needs
                 and may_need(e)]
        offers += own_offers
        needs += own_needs
        found = {(c.need_id, c.offer_id): c for c in
                 _match(own_needs, offers, *context) + _match(needs, own_offers, *context)}
        results = list(found.values())
    results.sort(key=lambda c: (-c.score, c.need_id, c.offer_id))
    return results


def _other(country: str) -> str:
    return "KZ" if country == "UA" else "UA"


def pool_keys(needs: list[Entry], parties, related) -> set[tuple[str, str, str]]:
    """The (area, country, form) of the offers that may be scored against these needs."""
    return {(a, _other(parties[e.party].country), f)
            for e in needs
            for a in {e.area} | set(related.get(e.area, ()))
            for f in {e.form} | rules.COMPATIBLE_FORMS[e.form]}


def served_keys(offer: Entry, parties, related):
    """The (area, country, form) of the needs whose pool may hold this offer."""
    country = _other(parties[offer.party].country)
    for need_form, offer_forms in rules.COMPATIBLE_FORMS.items():
        if offer.form != need_form and offer.form not in offer_forms:
            continue
        for area, links in related.items():
            if area == offer.area or offer.area in links:
                yield area, country, need_form
    if offer.area not in related:  # an area outside the taxonomy meets only itself
        for need_form in rules.COMPATIBLE_FORMS:
            yield offer.area, country, need_form


PartyAreas = tuple[dict[str, int], dict[int, int], dict[int, int]]


def area_positions(related) -> dict[str, int]:
    """Each taxonomy area's bit in the parties' area masks."""
    return {area: i for i, area in enumerate(
        sorted(set(related) | {a for links in related.values() for a in links}))}


def party_areas(triples: Iterable[tuple[int, str, str]], related,
                area_index: dict[str, int] | None = None) -> PartyAreas:
    """Area positions, and per party the areas its offers reach and the areas it needs.

    A party's offer mask holds the areas its offers reach (own and related) in bits 0-62 and
    the offers' own areas from bit ``EXACT_SHIFT``: reciprocity through the same area counts
    more than through a related one."""
    if area_index is None:
        area_index = area_positions(related)

    def bit(area: str) -> int:
        if area not in area_index:  # an area outside the taxonomy: give it the next bit
            area_index[area] = len(area_index)
        if area_index[area] > 62:
            raise ValueError("at most 63 areas fit the engine's bit masks")
        return 1 << area_index[area]

    neighbourhood: dict[str, int] = {}
    offer_masks: dict[int, int] = defaultdict(int)
    need_masks: dict[int, int] = defaultdict(int)
    for party, direction, area in triples:
        if direction == "offer":
            reach = neighbourhood.get(area)
            if reach is None:
                reach = neighbourhood[area] = bit(area) | sum(
                    bit(r) for r in related.get(area, ())) | (bit(area) << EXACT_SHIFT)
            offer_masks[party] |= reach
        else:
            need_masks[party] |= bit(area)
    return area_index, offer_masks, need_masks


def _match(needs, offers, parties, related, settings, area_index, offer_masks, need_masks
           ) -> list[Candidate]:
    if not offers or not needs:
        return []
    o = _Columns(offers, parties, area_index, offer_masks, need_masks)
    n = _Columns(needs, parties, area_index, offer_masks, need_masks)
    offer_rows: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for row, e in enumerate(offers):
        offer_rows[(e.area, parties[e.party].country, e.form)].append(row)
    need_rows: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for row, e in enumerate(needs):
        need_rows[(e.area, parties[e.party].country, e.form)].append(row)
    texts = _Stems({e.id: e.description for e in (*offers, *needs)})
    results: list[Candidate] = []
    for (area, country, form), rows in sorted(need_rows.items()):
        other = "KZ" if country == "UA" else "UA"
        forms = sorted({form} | rules.COMPATIBLE_FORMS[form])
        pool = [row for a in sorted({area} | set(related.get(area, ())))
                for f in forms for row in offer_rows.get((a, other, f), ())]
        if pool:
            results.extend(_score_group(area, country, np.array(rows), np.array(pool), n, o,
                                        parties, texts, settings, related, area_index))
    return results


def _score_group(area, country, need_rows, offer_rows, n: _Columns, o: _Columns, parties,
                 texts, settings: Settings, related, area_index) -> list[Candidate]:
    """Score one group of needs (same area, country, form) against its pool of offers.

    The one scorer: a full run's groups and ``score_pair``'s single pair both come here."""
    cells = Cells(area, need_rows, offer_rows, n, o, related, area_index)
    partial, limit = cells.partial_scores()
    # The best a pair can still reach once its descriptions are compared, negated in place
    # (the shortlist takes the smallest of ``-ceiling``).
    ceiling = partial + rules.WEIGHTS["text"]
    np.minimum(ceiling, limit, out=ceiling)
    np.copyto(ceiling, -1.0, where=~_allowed(country, need_rows, offer_rows, n, o, settings))
    np.negative(ceiling, out=ceiling)
    keep = min(settings.shortlist, len(offer_rows))
    shortlist = np.argpartition(ceiling, keep - 1, axis=1)[:, :keep]
    reachable = -np.take_along_axis(ceiling, shortlist, axis=1) >= settings.min_score
    # The shortlisted pairs that may still reach the minimum, need by need, in shortlist order.
    cell_rows, cell_ranks = np.nonzero(reachable)
    if not len(cell_rows):
        return []
    cell_columns = shortlist[cell_rows, cell_ranks]
    kept = _rank(cell_rows.tolist(), partial[cell_rows, cell_columns].tolist(),
                 limit[cell_rows, cell_columns].tolist(),
                 n.id[need_rows].tolist(), o.id[offer_rows[cell_columns]].tolist(),
                 texts, settings)
    if not kept:
        return []
    chosen = np.array([cell for cell, _, _ in kept])
    rows, columns = cell_rows[chosen], cell_columns[chosen]
    values = zip(*cells.components(rows, columns).values(), strict=True)
    names = COMPONENT_NAMES
    candidates = []
    for (_, score, text), need_row, offer_row, row in zip(
            kept, need_rows[rows].tolist(), offer_rows[columns].tolist(), values, strict=True):
        need, offer = n.entries[need_row], o.entries[offer_row]
        components = dict(zip(names, row, strict=True))
        components["text"] = round(text, 4)
        candidates.append(Candidate(need.id, offer.id, need.party, offer.party, score,
                                    components, need, offer, parties))
    return candidates


def _allowed(country, need_rows, offer_rows, n: _Columns, o: _Columns, settings) -> np.ndarray:
    """Country rule (the pool is already the other country's): businesses and charities serve
    Ukrainian needs only; nobody serves itself; with the gate on, the agreed list only."""
    allowed = n.party[need_rows][:, None] != o.party[offer_rows][None, :]
    if country != "UA":
        allowed &= ~o.helper[offer_rows][None, :]
    if settings.agreed_list_gate:
        allowed &= n.agreed[need_rows][:, None] & o.agreed[offer_rows][None, :]
    return allowed


def _rank(rows: list[int], starts: list[float], tops: list[float], need_ids: list[int],
          offer_ids: list[int], texts, settings: Settings) -> list[tuple[int, float, float]]:
    """The shortlisted cells (by need, in shortlist order) with their descriptions compared:
    each need's best ``per_need`` at or above the minimum, as (cell, score, text)."""
    text_weight, per_need, min_score = rules.WEIGHTS["text"], settings.per_need, settings.min_score
    kept: list[tuple[int, float, float]] = []
    end, cells = 0, len(rows)
    while end < cells:
        first, i = end, rows[end]
        while end < cells and rows[end] == i:
            end += 1
        need_text = texts[need_ids[i]]
        ranked = []
        for cell in range(first, end):
            text = similarity(need_text, texts[offer_ids[cell]])
            score = round(min(starts[cell] + text_weight * text, tops[cell]), 4)
            if score >= min_score:
                ranked.append((-score, offer_ids[cell], cell, text))
        ranked.sort()
        kept.extend((cell, -negative, text) for negative, _, cell, text in ranked[:per_need])
    return kept
