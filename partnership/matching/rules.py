"""The matching rules as data: weights, form compatibility, kind affinity. No Flask, no database."""

WEIGHTS = {
    "area": 0.35,          # same specialty 1.0, related specialty 0.6
    "form": 0.18,          # same form of cooperation 1.0, compatible form 0.6
    "language": 0.12,      # the items share a language 1.0; only the organisations 0.5
    "text": 0.12,          # the descriptions say similar things (shared concepts and stems)
    "dimension": 0.05,     # same dimension 1.0, another 0.3
    "capacity": 0.05,      # the offer's capacity covers the quantity needed
    "urgency": 0.05,       # critical needs first
    "kind": 0.04,          # the offering kind of organisation suits the area
    # The other side also needs, in the same area, something this side offers (1.0), or in a
    # related area (RECIPROCITY_RELATED). A tie-breaker: its whole weight is less than what a
    # merely related area loses against an exact one (0.35 * 0.4 = 0.14), so it never
    # overturns an exact area match.
    "reciprocity": 0.04,
}
assert abs(sum(WEIGHTS.values()) - 1.0) < 1e-9

AREA_RELATED = 0.6
FORM_COMPATIBLE = 0.6
DIMENSION_OTHER = 0.3
LANGUAGE_ORGANISATIONS_ONLY = 0.5
CAPACITY_UNKNOWN = 0.5
URGENCY = {"critical": 1.0, "high": 0.8, "medium": 0.5, "low": 0.3, None: 0.5}
KIND_FITS, KIND_NEUTRAL = 1.0, 0.5
TEXT_SIMILAR = 0.25        # at or above: "the descriptions are alike"
RECIPROCITY_RELATED = 0.5  # the reciprocal items are in related areas only
# Hard limits on the score, applied after the weighted sum:
NO_LANGUAGE_LIMIT = 0.7499  # no working language in common: never "strong" (interpreter needed)
# An offer whose capacity is short of a need that cannot be split loses this much, and is never
# better than "possible": offers that fit rank above it.
CAPACITY_SHORT_PENALTY = 0.2
CAPACITY_SHORT_LIMIT = 0.5999

# need form -> offer forms that can serve it (the same form always can)
COMPATIBLE_FORMS = {
    "training": {"staff_exchange", "teleconsultation", "management_mentoring"},
    "staff_exchange": {"training"},
    "teleconsultation": {"training"},
    "joint_research": {"staff_exchange"},
    "management_mentoring": {"training"},
    "equipment_supplies": {"funding"},
    "reconstruction": {"funding", "equipment_supplies"},
    "rehabilitation_placement": {"patient_placement"},
    "patient_placement": {"rehabilitation_placement"},
    "funding": set(),
}
FORMS = tuple(COMPATIBLE_FORMS)

# Businesses and charities (Kazakh) help Ukrainian institutions; they have no needs here.
HELPER_KINDS = {"business", "charity"}

# offering kind -> areas where that kind is the natural partner
KIND_AFFINITY = {
    "childrens_hospital": {"paediatrics", "paediatric_rehabilitation", "paediatric_oncology",
                           "neonatology", "child_psychology"},
    "rehabilitation_centre": {"physical_rehabilitation", "paediatric_rehabilitation",
                              "neurorehabilitation", "prosthetics_orthotics",
                              "ptsd_trauma_therapy", "child_psychology", "mental_health"},
    "university": {"medical_education", "clinical_research", "nursing", "public_health"},
    "emergency_service": {"emergency_medicine", "ambulance_transport",
                          "anaesthesiology_intensive_care", "trauma_surgery"},
    "business": {"medical_equipment_supplies", "energy_resilience",
                 "infrastructure_reconstruction", "ambulance_transport", "digital_health",
                 "biomedical_engineering"},
    "charity": {"infrastructure_reconstruction", "medical_equipment_supplies",
                "energy_resilience", "paediatric_rehabilitation", "prosthetics_orthotics"},
    "hospital": set(),
    "clinic": set(),
}

SCORE_WORDS = ((0.75, "strong"), (0.6, "good"), (0.0, "possible"))


def score_word(score: float) -> str:
    """'strong', 'good' or 'possible'."""
    for threshold, word in SCORE_WORDS:
        if score >= threshold:
            return word
    return "possible"
