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
        self.entries = entries
        self.id = np.fromiter((x.id for x in entries), np.int64, n)
        self.party = np.fromiter((x.party for x in entries), np.int64, n)
        self.area = np.fromiter((area_index[x.area] for x in entries), np.int64, n)
        self.form = np.fromiter((rules.FORMS.index(x.form) for x in entries), np.int64, n)
        self.dimension = np.fromiter((_position(DIMENSIONS, x.dimension) for x in entries),
                                     np.int64, n)
        self.language = np.fromiter((_mask(x.languages) for x in entries), np.int64, n)
        self.party_language = np.fromiter((_mask(p.languages) for p in party), np.int64, n)
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


class _Stems(dict):
    """Descriptions' stems by entry id, worked out when first compared."""

    def __init__(self, descriptions: dict[int, str]):
        super().__init__()
        self.descriptions = descriptions

    def __missing__(self, entry_id: int) -> frozenset[str]:
        found = self[entry_id] = stems(self.descriptions[entry_id])
        return found


def _position(values: tuple[str, ...], value: str) -> int:
    return values.index(value) if value in values else -1


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
    w = rules.WEIGHTS
    shape = (len(need_rows), len(offer_rows))
    offer_areas = o.area[offer_rows]
    exact = (offer_areas == o.area.dtype.type(n.area[need_rows[0]])).astype(float)
    # A full run's pool holds only the same and related areas; a pair scored alone may not.
    near = np.isin(offer_areas, [area_index[a] for a in related.get(area, ()) if a in area_index])
    area_score = np.broadcast_to(exact + (1 - exact) * near * rules.AREA_RELATED, shape)
    need_form = n.form[need_rows[0]]
    offer_form = o.form[offer_rows]
    form_row = np.where(offer_form == need_form, 1.0,
                        np.where(_compatibility()[need_form, offer_form],
                                 rules.FORM_COMPATIBLE, 0.0))
    form_score = np.broadcast_to(form_row, shape)
    dimension = np.where(n.dimension[need_rows][:, None] == o.dimension[offer_rows][None, :],
                         1.0, rules.DIMENSION_OTHER)
    items_share = (n.language[need_rows][:, None] & o.language[offer_rows][None, :]) != 0
    parties_share = (n.party_language[need_rows][:, None]
                     & o.party_language[offer_rows][None, :]) != 0
    language = np.where(items_share, 1.0,
                        np.where(parties_share, rules.LANGUAGE_ORGANISATIONS_ONLY, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.minimum(1.0, o.quantity[offer_rows][None, :]
                           / n.quantity[need_rows][:, None])
    capacity = np.where(np.isnan(ratio), rules.CAPACITY_UNKNOWN, ratio)
    # Short of a need that cannot be split: flagged by the reasons, ranked below what fits.
    short = (ratio < 1.0) & ~n.splittable[need_rows][:, None]
    urgency = np.broadcast_to(n.urgency[need_rows][:, None], shape)
    kind_row = np.array([rules.KIND_FITS if area in rules.KIND_AFFINITY.get(o.kind[r], ())
                         else rules.KIND_NEUTRAL for r in offer_rows.tolist()])
    kind = np.broadcast_to(kind_row, shape)
    # Reciprocity: the needing side offers, in the same area (or a related one, for less),
    # something the offering side needs.
    their_needs = o.needs_of_party[offer_rows][None, :]
    reciprocity = np.where(
        (n.offers_exact[need_rows][:, None] & their_needs) != 0, 1.0,
        np.where((n.offers_of_party[need_rows][:, None] & their_needs) != 0,
                 rules.RECIPROCITY_RELATED, 0.0))

    # Country rule (the pool is already the other country's): businesses and charities serve
    # Ukrainian needs only; nobody serves itself.
    allowed = n.party[need_rows][:, None] != o.party[offer_rows][None, :]
    if country != "UA":
        allowed &= ~o.helper[offer_rows][None, :]
    if settings.agreed_list_gate:
        allowed &= n.agreed[need_rows][:, None] & o.agreed[offer_rows][None, :]

    # The weighted sum, term by term, always in this order (so that a pair's sum is the same to
    # the last bit, and ties fall the same way): the offer-only terms as one row, the others
    # added in place.
    partial = w["area"] * area_score[0] + w["form"] * form_score[0] + w["dimension"] * dimension
    partial += w["language"] * language
    partial += w["capacity"] * capacity
    partial += (w["urgency"] * n.urgency[need_rows])[:, None]
    partial += w["kind"] * kind_row
    partial += w["reciprocity"] * reciprocity
    # Hard limits: no working language in common is never "strong"; an offer short of a need
    # that cannot be split is never better than "possible".
    limit = np.where(language == 0.0, rules.NO_LANGUAGE_LIMIT, 1.0)
    if short.any():
        partial -= rules.CAPACITY_SHORT_PENALTY * short
        np.minimum(limit, np.where(short, rules.CAPACITY_SHORT_LIMIT, 1.0), out=limit)
    # The best a pair can still reach once its descriptions are compared.
    ceiling = np.where(allowed, np.minimum(partial + w["text"], limit), -1.0)
    keep = min(settings.shortlist, len(offer_rows))
    shortlist = np.argpartition(-ceiling, keep - 1, axis=1)[:, :keep]
    reachable = np.take_along_axis(ceiling, shortlist, axis=1) >= settings.min_score
    # The shortlisted pairs that may still reach the minimum, need by need, in shortlist order.
    cell_rows, cell_ranks = np.nonzero(reachable)
    if not len(cell_rows):
        return []
    cell_columns = shortlist[cell_rows, cell_ranks]
    starts = partial[cell_rows, cell_columns].tolist()
    tops = limit[cell_rows, cell_columns].tolist()
    offer_ids = o.id[offer_rows[cell_columns]].tolist()
    need_ids = n.id[need_rows].tolist()
    rows = cell_rows.tolist()

    text_weight, per_need, min_score = w["text"], settings.per_need, settings.min_score
    kept: list[tuple[int, float, float]] = []  # (cell, score, text)
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
    if not kept:
        return []

    # The components of the proposals kept, gathered at once.
    chosen = np.array([cell for cell, _, _ in kept])
    at = (cell_rows[chosen], cell_columns[chosen])
    columns = {name: matrix[at].tolist() for name, matrix in (
        ("area", area_score), ("form", form_score), ("dimension", dimension),
        ("language", language), ("capacity", capacity), ("urgency", urgency), ("kind", kind),
        ("reciprocity", reciprocity))}
    names = tuple(columns)
    values = zip(*columns.values(), strict=True)
    candidates = []
    for (cell, score, text), row in zip(kept, values, strict=True):
        need = n.entries[need_rows[rows[cell]]]
        offer = o.entries[offer_rows[cell_columns[cell]]]
        components = dict(zip(names, row, strict=True))
        components["text"] = round(text, 4)
        candidates.append(Candidate(need.id, offer.id, need.party, offer.party, score,
                                    components, need, offer, parties))
    return candidates


_COMPATIBILITY = None


def _compatibility() -> np.ndarray:
    global _COMPATIBILITY
    if _COMPATIBILITY is None:
        table = np.zeros((len(rules.FORMS), len(rules.FORMS)), dtype=bool)
        for need_form, offer_forms in rules.COMPATIBLE_FORMS.items():
            for offer_form in offer_forms:
                table[rules.FORMS.index(need_form), rules.FORMS.index(offer_form)] = True
        _COMPATIBILITY = table
    return _COMPATIBILITY
