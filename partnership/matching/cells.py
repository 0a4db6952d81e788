"""One group's cells (its needs x its pool of offers) as matrices: the facts a score is made of,
the weighted sum without the descriptions' term, and the components of the cells kept. Pure
numpy, for ``engine._score_group``; no Flask, no database."""

import numpy as np

from . import rules

COMPONENT_NAMES = ("area", "form", "dimension", "language", "capacity", "urgency", "kind",
                    "reciprocity")


class Cells:
    """What one group's cells (need x offer) are made of: offer-only rows, need-only columns,
    and the facts that take both as boolean matrices (a byte a cell), from which the weighted
    terms are summed and the kept proposals' components read."""

    def __init__(self, area, need_rows, offer_rows, n, o, related, area_index):
        """``n`` and ``o``: the needs' and the offers' columns (``engine._Columns``)."""
        offer_areas = o.area[offer_rows]
        exact = (offer_areas == o.area.dtype.type(n.area[need_rows[0]])).astype(float)
        # A full run's pool holds only the same and related areas; a pair scored alone may not.
        near = np.isin(offer_areas,
                       [area_index[a] for a in related.get(area, ()) if a in area_index])
        self.area = exact + (1 - exact) * near * rules.AREA_RELATED
        need_form = n.form[need_rows[0]]
        offer_form = o.form[offer_rows]
        self.form = np.where(offer_form == need_form, 1.0,
                             np.where(_compatibility()[need_form, offer_form],
                                      rules.FORM_COMPATIBLE, 0.0))
        self.urgency = n.urgency[need_rows]
        self.kind = np.array([rules.KIND_FITS if area in rules.KIND_AFFINITY.get(o.kind[r], ())
                              else rules.KIND_NEUTRAL for r in offer_rows.tolist()])
        self.same_dimension = n.dimension[need_rows][:, None] == o.dimension[offer_rows][None, :]
        self.items_share = (n.language[need_rows][:, None]
                            & o.language[offer_rows][None, :]) != 0
        self.parties_share = (n.party_language[need_rows][:, None]
                              & o.party_language[offer_rows][None, :]) != 0
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = o.quantity[offer_rows][None, :] / n.quantity[need_rows][:, None]
        np.minimum(1.0, ratio, out=ratio)
        # Short of a need that cannot be split: flagged by the reasons, ranked below what fits.
        self.short = (ratio < 1.0) & ~n.splittable[need_rows][:, None]
        unknown = np.isnan(ratio)
        if unknown.any():
            ratio[unknown] = rules.CAPACITY_UNKNOWN
        self.capacity = ratio
        # Reciprocity: the needing side offers, in the same area (or a related one, for less),
        # something the offering side needs.
        their_needs = o.needs_of_party[offer_rows][None, :]
        self.back_exact = (n.offers_exact[need_rows][:, None] & their_needs) != 0
        self.back_related = (n.offers_of_party[need_rows][:, None] & their_needs) != 0

    def partial_scores(self) -> tuple[np.ndarray, np.ndarray]:
        """The weighted sum without the descriptions' term, and each cell's hard limit.

        Term by term, always in this order (so that a pair's sum is the same to the last bit,
        and ties fall the same way): the offer-only terms as one row, the others added in
        place; a term is its weight times the component, taken from the weight times each of
        the component's values."""
        w = rules.WEIGHTS
        partial = w["area"] * self.area + w["form"] * self.form + np.where(
            self.same_dimension, w["dimension"] * 1.0, w["dimension"] * rules.DIMENSION_OTHER)
        partial += _language(self.items_share, self.parties_share, w["language"])
        partial += w["capacity"] * self.capacity
        partial += (w["urgency"] * self.urgency)[:, None]
        partial += w["kind"] * self.kind
        partial += np.where(self.back_exact, w["reciprocity"] * 1.0, np.where(
            self.back_related, w["reciprocity"] * rules.RECIPROCITY_RELATED,
            w["reciprocity"] * 0.0))
        # Hard limits: no working language in common is never "strong"; an offer short of a
        # need that cannot be split is never better than "possible".
        limit = np.where(self.items_share | self.parties_share, 1.0, rules.NO_LANGUAGE_LIMIT)
        if self.short.any():
            np.subtract(partial, rules.CAPACITY_SHORT_PENALTY, out=partial, where=self.short)
            np.minimum(limit, rules.CAPACITY_SHORT_LIMIT, out=limit, where=self.short)
        return partial, limit

    def components(self, rows: np.ndarray, columns: np.ndarray) -> dict[str, list[float]]:
        """The components (unweighted) of the cells at these rows and columns."""
        at = (rows, columns)
        return {
            "area": self.area[columns].tolist(),
            "form": self.form[columns].tolist(),
            "dimension": np.where(self.same_dimension[at], 1.0, rules.DIMENSION_OTHER).tolist(),
            "language": _language(self.items_share[at], self.parties_share[at], 1.0).tolist(),
            "capacity": self.capacity[at].tolist(),
            "urgency": self.urgency[rows].tolist(),
            "kind": self.kind[columns].tolist(),
            "reciprocity": np.where(self.back_exact[at], 1.0, np.where(
                self.back_related[at], rules.RECIPROCITY_RELATED, 0.0)).tolist(),
        }


def _language(items_share: np.ndarray, parties_share: np.ndarray, weight: float) -> np.ndarray:
    """The language component times ``weight``: the items share a language, only the
    organisations do, or nobody does."""
    return np.where(items_share, weight * 1.0,
                    np.where(parties_share, weight * rules.LANGUAGE_ORGANISATIONS_ONLY,
                             weight * 0.0))


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
