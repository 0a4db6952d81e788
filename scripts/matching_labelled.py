"""Write tests/data/matching_labelled.json: the labelled set of matching cases (issue 14).

Each case is a need and the offers a matching officer would weigh for it, with the one a
domain expert picks and why. The cases are written below as tables, one per kind of case
(exact vs related area, form, language, capacity, reciprocity, cross-language text, charity
supplies, expired/withdrawn, unverified, patient placement); descriptions use the thesaurus's
own words for areas and terms (``partnership.lexicon``), in the need's and offer's languages.

Run:  .venv/bin/python scripts/matching_labelled.py   (then review the diff of the JSON)
"""

import json
from pathlib import Path

from partnership.lexicon import concept

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "matching_labelled.json"
LANGS = {"UA": ["uk", "en"], "KZ": ["kk", "ru", "en"]}
NEED_WORDS = {
    "uk": "Потрібна допомога: {topic}, {term}. Для лікарів і медсестер відділення.",
    "kk": "Көмек қажет: {topic}, {term}. Бөлімше дәрігерлері мен мейіргерлері үшін.",
    "ru": "Нужна помощь: {topic}, {term}. Для врачей и медсестёр отделения.",
    "en": "Help needed: {topic}, {term}. For the department's doctors and nurses.",
}
OFFER_WORDS = {
    "uk": "Пропонуємо: {topic}, {term}; досвідчена команда.",
    "kk": "Ұсынамыз: {topic}, {term}; тәжірибелі топ.",
    "ru": "Предлагаем: {topic}, {term}; опытная команда.",
    "en": "We offer {topic}: {term}, with an experienced team.",
}


def words(template: dict, language: str, area: str, term: str) -> str:
    return template[language].format(topic=concept(area).label(language).lower(),
                                     term=concept(term).label(language))


def party(country, kind="hospital", languages=None, status="verified"):
    return {"country": country, "kind": kind, "languages": languages or LANGS[country],
            "status": status}


def other(country):
    return "KZ" if country == "UA" else "UA"


def need(country, area, term, language, form="training", **extra):
    p = extra.pop("party", None) or party(country)
    return {"party": p, "area": area, "form": form, "dimension": extra.pop("dimension",
                                                                           "professional"),
            "description": words(NEED_WORDS, language, area, term),
            "quantity": extra.pop("quantity", 10), "urgency": extra.pop("urgency", "high"),
            "languages": extra.pop("languages", [language]),
            "splittable": extra.pop("splittable", False), **extra}


def offer(country, area, term, language, form="training", **extra):
    p = extra.pop("party", None) or party(country)
    return {"party": p, "area": area, "form": form,
            "dimension": extra.pop("dimension", "professional"),
            "description": extra.pop("description", None) or words(OFFER_WORDS, language, area,
                                                                   term),
            "quantity": extra.pop("quantity", 12), "languages": extra.pop("languages",
                                                                          [language]),
            "status": extra.pop("status", "active"), "expired": extra.pop("expired", False),
            "party_needs": extra.pop("party_needs", []), **extra}


CASES = []


def case(kind, ident, language, the_need, offers, expected, why, party_offers=()):
    CASES.append({"id": f"{kind}-{ident:02d}", "case": kind, "language": language,
                  "need": {**the_need, "party_offers": list(party_offers)},
                  "offers": offers, "expected": expected, "why": why})


# 1. Exact area against a related area whose party would also benefit back (reciprocity).
EXACT = [("burns_care", "plastic_reconstructive_surgery", "skin_graft", "UA", "uk"),
         ("trauma_surgery", "orthopaedics", "fracture", "UA", "uk"),
         ("neurology", "neurorehabilitation", "stroke", "KZ", "kk"),
         ("cardiology", "cardiac_surgery", "heart_failure", "UA", "en"),
         ("oncology", "paediatric_oncology", "chemotherapy", "KZ", "ru"),
         ("paediatrics", "neonatology", "prematurity", "UA", "uk"),
         ("physical_rehabilitation", "prosthetics_orthotics", "amputation", "UA", "uk"),
         ("mental_health", "ptsd_trauma_therapy", "depression", "KZ", "kk"),
         ("infectious_diseases", "tuberculosis", "hepatitis", "KZ", "ru"),
         ("radiology_imaging", "laboratory_diagnostics", "ct_scan", "UA", "en")]
for i, (area, near, term, country, lang) in enumerate(EXACT, 1):
    side = other(country)
    olang = "en"
    case("exact_vs_related", i, lang, need(country, area, term, lang, languages=[lang, "en"]),
         {"related": offer(side, near, term, olang, party_needs=[{"area": area}],
                           languages=["en"]),
          "exact": offer(side, area, term, olang, languages=["en"])},
         "exact", f"An offer in {area} itself beats one in the related {near}, even though "
         "the related one's organisation would also gain (reciprocity only breaks ties).",
         party_offers=[{"area": area, "form": "staff_exchange"}])

# 2. The same form against a merely compatible one.
FORMS = [("training", "staff_exchange", "anaesthesiology_intensive_care", "resuscitation"),
         ("teleconsultation", "training", "neurosurgery", "traumatic_brain_injury"),
         ("equipment_supplies", "funding", "nephrology_dialysis", "dialysis_procedure"),
         ("joint_research", "staff_exchange", "clinical_research", "genetics"),
         ("management_mentoring", "training", "hospital_management", "quality_of_care"),
         ("staff_exchange", "training", "emergency_medicine", "triage")]
for i, (form, compatible, area, term) in enumerate(FORMS, 1):
    lang = ["uk", "kk", "ru", "en", "uk", "kk"][i - 1]
    country = "UA" if lang in ("uk", "en") else "KZ"
    side = other(country)
    case("wrong_form", i, lang, need(country, area, term, lang, form=form,
                                     languages=[lang, "en"]),
         {"compatible": offer(side, area, term, "en", form=compatible, languages=["en"],
                              party_needs=[{"area": area}]),
          "same_form": offer(side, area, term, "en", form=form, languages=["en"])},
         "same_form", f"The need asks for {form}; {compatible} only partly serves it.",
         party_offers=[{"area": area, "form": "training"}])

# 3. A shared working language against a better-looking partner without one.
LANGUAGE = [("UA", "uk", "obstetrics_gynaecology", "childbirth"),
            ("UA", "uk", "dentistry_maxillofacial", "cleft_lip_palate"),
            ("KZ", "kk", "ophthalmology", "cataract"),
            ("KZ", "kk", "haematology", "leukaemia"),
            ("UA", "uk", "palliative_care", "pain_management"),
            ("KZ", "ru", "transplantation", "kidney_transplant")]
for i, (country, lang, area, term) in enumerate(LANGUAGE, 1):
    side = other(country)
    mute = "kk" if side == "KZ" else "uk"
    shared = "ru" if lang == "ru" else lang
    case("language", i, lang,
         need(country, area, term, lang, party=party(country, languages=[lang]),
              languages=[lang]),
         {"no_common_language": offer(side, area, term, mute,
                                      party=party(side, "hospital", [mute]), languages=[mute],
                                      party_needs=[{"area": area}]),
          "shared_language": offer(side, area, term, shared,
                                   party=party(side, "hospital", [mute, shared]),
                                   languages=[shared])},
         "shared_language", "Without a working language in common the partners need an "
         "interpreter; the offer in the need's language is the practical pick.",
         party_offers=[{"area": area, "form": "training"}])

# 4. Capacity: a group that cannot be split, and one that can.
CAPACITY = [("UA", "uk", "nursing", "wound_care", False),
            ("KZ", "kk", "medical_education", "simulation_training", False),
            ("UA", "en", "infection_prevention_control", "sterilisation", False),
            ("KZ", "ru", "public_health", "vaccination", False),
            ("UA", "uk", "child_psychology", "autism", False),
            ("KZ", "kk", "emergency_medicine", "first_aid", False),
            ("UA", "uk", "nursing", "intensive_care_unit", True),
            ("KZ", "ru", "medical_education", "residency", True)]
for i, (country, lang, area, term, split) in enumerate(CAPACITY, 1):
    side = other(country)
    small = offer(side, area, term, "en", quantity=4, languages=["en"],
                  party=party(side, "university" if area in (
                      "medical_education", "public_health", "nursing") else "hospital"),
                  party_needs=[{"area": area}])
    large = offer(side, area, term, "en", quantity=25, languages=["en"],
                  description=words(OFFER_WORDS, "en", area, "training"))
    case("capacity", i, lang, need(country, area, term, lang, quantity=20, splittable=split,
                                   languages=[lang, "en"]),
         {"small": small, "large": large}, "small" if split else "large",
         "The need can be split: the closer offer takes a first group of four." if split else
         "A group of 20 that cannot be split: the 4-place offer cannot serve it, however "
         "well it reads.", party_offers=[{"area": area, "form": "training"}])

# 5. Reciprocity breaks a tie between otherwise equal offers.
RECIPROCITY = [("UA", "uk", "cardiac_surgery", "congenital_heart_defect"),
               ("KZ", "kk", "neurorehabilitation", "cerebral_palsy"),
               ("UA", "en", "telemedicine", "teleconsultation"),
               ("KZ", "ru", "digital_health", "electronic_health_record"),
               ("UA", "uk", "orthopaedics", "scoliosis"),
               ("KZ", "kk", "neonatology", "neonatal_intensive_care")]
for i, (country, lang, area, term) in enumerate(RECIPROCITY, 1):
    side = other(country)
    case("reciprocity", i, lang, need(country, area, term, lang, languages=[lang, "en"]),
         {"one_way": offer(side, area, term, "en", languages=["en"]),
          "mutual": offer(side, area, term, "en", languages=["en"],
                          party_needs=[{"area": area}])},
         "mutual", "Two equal offers: the partner that also needs what this organisation "
         "offers (same area) makes the partnership mutual.",
         party_offers=[{"area": area, "form": "staff_exchange"}])

# 6. Cross-language descriptions: the offer about the same thing, in another language.
CROSS = [("KZ", "kk", "paediatric_rehabilitation", "cerebral_palsy", "hydrotherapy"),
         ("KZ", "kk", "burns_care", "skin_graft", "wound_care"),
         ("KZ", "ru", "oncology", "breast_cancer", "lung_cancer"),
         ("UA", "uk", "prosthetics_orthotics", "prosthesis", "wheelchair"),
         ("UA", "uk", "cardiology", "arrhythmia", "hypertension"),
         ("KZ", "ru", "neurology", "epilepsy", "multiple_sclerosis"),
         ("UA", "uk", "mental_health", "psychotherapy", "addiction"),
         ("KZ", "kk", "paediatrics", "asthma", "diabetes"),
         ("UA", "uk", "laboratory_diagnostics", "pcr_test", "histology"),
         ("KZ", "ru", "anaesthesiology_intensive_care", "mechanical_ventilation",
          "anaesthesia")]
for i, (country, lang, area, term, wrong) in enumerate(CROSS, 1):
    side = other(country)
    case("cross_language", i, lang, need(country, area, term, lang, languages=[lang, "en"]),
         {"other_topic": offer(side, area, wrong, "en", languages=["en"],
                               party=party(side, "hospital")),
          "same_topic": offer(side, area, term, "en", languages=["en"])},
         "same_topic", f"Both offers are in {area}; only one is about {term}, written in "
         "English while the need is not: the thesaurus's concepts meet across languages.",
         )

# 7. Charities and businesses supply Ukrainian institutions.
CHARITY = [("energy_resilience", "generator", "charity", "equipment_supplies"),
           ("medical_equipment_supplies", "defibrillator", "business", "equipment_supplies"),
           ("infrastructure_reconstruction", "shelter", "charity", "reconstruction"),
           ("ambulance_transport", "ambulance_vehicle", "business", "equipment_supplies"),
           ("biomedical_engineering", "medical_device", "business", "equipment_supplies")]
for i, (area, term, kind, form) in enumerate(CHARITY, 1):
    lang = ["uk", "en", "uk", "uk", "en"][i - 1]
    case("charity_supplies", i, lang,
         need("UA", area, term, lang, form=form, languages=[lang, "en"],
              dimension="technological"),
         {"hospital_training": offer("KZ", area, term, "en", form="training",
                                     dimension="professional", languages=["en"]),
          "supplier": offer("KZ", area, term, "ru", form=form, dimension="technological",
                            party=party("KZ", kind, ["kk", "ru", "en"]),
                            languages=["ru", "en"])},
         "supplier", f"A Kazakh {kind} supplies what a Ukrainian institution needs in kind; "
         "a training offer does not deliver it.")

# 8. Expired or withdrawn offers never count, however good.
HISTORY = [("UA", "uk", "trauma_surgery", "gunshot_wound", "expired"),
           ("KZ", "kk", "ophthalmology", "glaucoma", "withdrawn"),
           ("UA", "en", "haematology", "haemophilia", "expired"),
           ("KZ", "ru", "nephrology_dialysis", "kidney_disease", "withdrawn"),
           ("UA", "uk", "palliative_care", "chronic_pain", "withdrawn"),
           ("KZ", "kk", "tuberculosis", "antibiotic", "expired")]
for i, (country, lang, area, term, gone) in enumerate(HISTORY, 1):
    side = other(country)
    best = offer(side, area, term, "en", languages=["en"], party_needs=[{"area": area}])
    best.update({"expired": gone == "expired",
                 "status": "withdrawn" if gone == "withdrawn" else "active"})
    case("expired_withdrawn", i, lang, need(country, area, term, lang, languages=[lang, "en"]),
         {"gone": best, "current": offer(side, area, "training", "en", languages=["en"])},
         "current", f"The closer offer is {gone}: only current offers are proposed.",
         party_offers=[{"area": area, "form": "training"}])

# 9. Unverified organisations take no part.
UNVERIFIED = [("UA", "uk", "neurosurgery", "spinal_cord_injury", "pending"),
              ("KZ", "kk", "obstetrics_gynaecology", "prenatal_care", "pending"),
              ("UA", "en", "clinical_research", "epidemiology", "suspended"),
              ("KZ", "ru", "dentistry_maxillofacial", "microsurgery", "rejected"),
              ("UA", "uk", "paediatric_oncology", "leukaemia", "pending"),
              ("KZ", "kk", "ptsd_trauma_therapy", "psychological_support", "suspended")]
for i, (country, lang, area, term, status) in enumerate(UNVERIFIED, 1):
    side = other(country)
    case("unverified", i, lang, need(country, area, term, lang, languages=[lang, "en"]),
         {"unverified": offer(side, area, term, "en", languages=["en"],
                              party=party(side, status=status)),
          "verified": offer(side, area, "consultation", "en", languages=["en"])},
         "verified", f"The closer offer's organisation is {status}, not verified.")

# 10. Patient placement: treatment at the partner's hospital.
PLACEMENT = [("UA", "uk", "oncology", "chemotherapy"),
             ("UA", "uk", "burns_care", "burn"),
             ("UA", "en", "plastic_reconstructive_surgery", "microsurgery")]
for i, (country, lang, area, term) in enumerate(PLACEMENT, 1):
    case("patient_placement", i, lang,
         need(country, area, term, lang, form="patient_placement", quantity=5,
              languages=[lang, "en"], dimension="professional"),
         {"training": offer("KZ", area, term, "en", form="training", languages=["en"]),
          "placement": offer("KZ", area, term, "ru", form="patient_placement", quantity=8,
                             languages=["ru", "en"])},
         "placement", "Patients need treatment in a hospital: a placement, not a course.")


def main() -> None:
    OUT.parent.mkdir(exist_ok=True)
    payload = {"about": __doc__.strip().splitlines()[0], "cases": CASES}
    OUT.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", "utf-8")
    areas = {c["need"]["area"] for c in CASES}
    print(f"{len(CASES)} cases, {len(areas)} areas, languages "
          f"{sorted({c['language'] for c in CASES})}")


if __name__ == "__main__":
    main()
