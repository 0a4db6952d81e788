"""One pair at a time: the reasons behind a score, and reciprocity.

The scores themselves come from one place, the engine (``engine.score_pair`` scores a single
pair with the matrix code); this module only says why a pair scored what it did. No Flask, no
database.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from . import rules
from .records import Entry, Party, Reason


@dataclass(frozen=True)
class Candidate:
    """A proposed offer for a need, with its score and why.

    The reasons (``matched``, ``missing``) are worked out from the components when first asked
    for: a full run stores 150,000 proposals and shows none of their reasons."""

    need_id: int
    offer_id: int
    need_party: int
    offer_party: int
    score: float
    components: Mapping[str, float]
    need: Entry | None = field(compare=False, repr=False, default=None)
    offer: Entry | None = field(compare=False, repr=False, default=None)
    parties: Mapping[int, Party] | None = field(compare=False, repr=False, default=None)

    @cached_property
    def _reasons(self) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
        return explain(self.need, self.offer, self.components, self.parties)

    @property
    def matched(self) -> tuple[Reason, ...]:
        """The criteria met."""
        return self._reasons[0]

    @property
    def missing(self) -> tuple[Reason, ...]:
        """The criteria not met, or met only in part."""
        return self._reasons[1]


def explain(need: Entry, offer: Entry, components: Mapping[str, float],
            parties: Mapping[int, Party], back: Entry | None = None
            ) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
    """What matched and what is missing, as reason codes a page can put into words.

    ``back`` is the needing side's offer that the offering side needs (``reciprocal_offer``),
    which the reciprocity reason names beside the offer."""
    matched, missing = [], []
    if components["area"] == 1.0:
        matched.append(("area_same", (("area", need.area),)))
    elif components["area"] == 0.0:
        missing.append(("area_unrelated", (("need_area", need.area),
                                           ("offer_area", offer.area))))
    else:
        matched.append(("area_related", (("need_area", need.area),
                                               ("offer_area", offer.area))))
        missing.append(("area_not_same", (("need_area", need.area),)))
    if components["form"] == 1.0:
        matched.append(("form_same", (("form", need.form),)))
    elif components["form"] == 0.0:
        missing.append(("form_other", (("need_form", need.form), ("offer_form", offer.form))))
    else:
        matched.append(("form_compatible", (("need_form", need.form),
                                                  ("offer_form", offer.form))))
    if components["reciprocity"] > 0:
        details = [("offer_area", offer.area), ("offer_form", offer.form)]
        if back is not None:
            details += [("back_area", back.area), ("back_form", back.form)]
        code = "reciprocity" if components["reciprocity"] == 1.0 else "reciprocity_related"
        matched.append((code, tuple(details)))
    else:
        missing.append(("no_reciprocity", ()))
    shared = sorted(need.languages & offer.languages)
    if components["language"] == 1.0:
        matched.append(("language_shared", (("languages", tuple(shared)),)))
    elif components["language"] > 0:
        common = sorted(parties[need.party].languages & parties[offer.party].languages)
        matched.append(("language_organisations", (("languages", tuple(common)),)))
        missing.append(("language_items", ()))
    else:
        missing.append(("no_shared_language", ()))
    if components["text"] >= rules.TEXT_SIMILAR:
        matched.append(("text_similar", ()))
    elif components["text"] == 0.0 and need.description.strip() and offer.description.strip():
        # Nothing in common, neither a concept nor a word: only then do they "differ".
        missing.append(("text_different", ()))
    if components["dimension"] == 1.0:
        matched.append(("dimension_same", (("dimension", need.dimension),)))
    else:
        missing.append(("dimension_other", (("need_dimension", need.dimension),
                                                  ("offer_dimension", offer.dimension))))
    if need.quantity is None or offer.quantity is None:
        missing.append(("capacity_unknown", ()))
    elif offer.quantity >= need.quantity:
        matched.append(("capacity_covers", (("capacity", offer.quantity),
                                                  ("quantity", need.quantity))))
    elif need.splittable:
        matched.append(("capacity_part", (("capacity", offer.quantity),
                                          ("quantity", need.quantity))))
    else:
        missing.append(("capacity_short", (("capacity", offer.quantity),
                                                 ("quantity", need.quantity))))
    if need.urgency in ("high", "critical"):
        matched.append(("urgent", (("urgency", need.urgency),)))
    if components["kind"] == rules.KIND_FITS:
        matched.append(("kind_fits", (("kind", parties[offer.party].kind),)))
    return tuple(matched), tuple(missing)


def reciprocal_offer(need: Entry, offer: Entry, need_party_offers: Iterable[Entry],
                     offer_party_needs: Iterable[Entry], related: Mapping[str, frozenset[str]]
                     ) -> Entry | None:
    """The needing side's offer that meets a need of the offering side: in the same area
    first, else in a related one (the engine's reciprocity, item by item)."""
    wanted = list(offer_party_needs)
    same = {e.area for e in wanted}
    near = {r for e in wanted for r in related.get(e.area, ())} | same
    mine = sorted(need_party_offers, key=lambda e: e.id)
    for candidate in mine:
        if candidate.area in same:
            return candidate
    for candidate in mine:
        if candidate.area in near or set(related.get(candidate.area, ())) & same:
            return candidate
    return None


def reciprocal(a_offers: Iterable[str], a_needs: Iterable[str], b_offers: Iterable[str],
               b_needs: Iterable[str], related: Mapping[str, frozenset[str]]) -> bool:
    """Whether each side offers something (same or related area) that the other needs."""
    def serves(offers, needs) -> bool:
        reach = set()
        for area in offers:
            reach |= {area} | set(related.get(area, ()))
        return bool(reach & set(needs))

    return serves(a_offers, b_needs) and serves(b_offers, a_needs)
