"""Issue 14, item 3: honest scores (reciprocity, language, capacity, text, transliteration)."""

from partnership.matching import engine, rules
from partnership.matching.engine import Entry, Party, Settings, propose
from partnership.matching.pairs import reciprocal_offer
from partnership.matching.text import fold, similarity, stems
from partnership.organisations.taxonomy import areas

RELATED = {code: area.related for code, area in areas().items()}
ALL = Settings(min_score=0.0, per_need=10, shortlist=50)
EN = frozenset({"en"})


def entry(eid, pid, direction, area, form="training", quantity=None, languages=EN,
          splittable=False, description="", dimension="professional"):
    return Entry(eid, pid, direction, area, form, dimension, description, quantity,
                 "high" if direction == "need" else None, languages, splittable)


def scores(parties, entries):
    return {(c.need_id, c.offer_id): c for c in propose(parties, entries, RELATED, ALL)}


def test_reciprocity_never_overturns_an_exact_area_match():
    # Need: burns care training. Offer 201: burns care (exact), no reciprocity. Offer 301:
    # plastic surgery (related), and its party needs what the needing side offers, in the
    # same area.
    assert "plastic_reconstructive_surgery" in RELATED["burns_care"]
    parties = {1: Party(1, "UA", "hospital", EN), 2: Party(2, "KZ", "hospital", EN),
               3: Party(3, "KZ", "hospital", EN)}
    entries = [entry(101, 1, "need", "burns_care"),
               entry(102, 1, "offer", "trauma_surgery"),
               entry(201, 2, "offer", "burns_care"),
               entry(301, 3, "offer", "plastic_reconstructive_surgery"),
               entry(302, 3, "need", "trauma_surgery")]
    found = scores(parties, entries)
    exact, related = found[(101, 201)], found[(101, 301)]
    assert related.components["reciprocity"] == 1.0
    assert exact.components["reciprocity"] == 0.0
    assert exact.score > related.score
    # And the weight itself: all of it is less than what a related area loses.
    assert rules.WEIGHTS["reciprocity"] < rules.WEIGHTS["area"] * (1 - rules.AREA_RELATED)


def test_reciprocity_breaks_ties_and_counts_less_through_a_related_area():
    parties = {1: Party(1, "UA", "hospital", EN), 2: Party(2, "KZ", "hospital", EN),
               3: Party(3, "KZ", "hospital", EN), 4: Party(4, "KZ", "hospital", EN)}
    entries = [entry(101, 1, "need", "burns_care"),
               entry(102, 1, "offer", "trauma_surgery"),
               entry(201, 2, "offer", "burns_care"),                 # no reciprocity
               entry(301, 3, "offer", "burns_care"),
               entry(302, 3, "need", "trauma_surgery"),               # same area: full
               entry(401, 4, "offer", "burns_care"),
               entry(402, 4, "need", "orthopaedics")]                 # related area only
    assert "orthopaedics" in RELATED["trauma_surgery"]
    found = scores(parties, entries)
    assert found[(101, 301)].components["reciprocity"] == 1.0
    assert found[(101, 401)].components["reciprocity"] == rules.RECIPROCITY_RELATED
    assert found[(101, 301)].score > found[(101, 401)].score > found[(101, 201)].score


def test_reciprocity_does_not_count_through_unrelated_areas():
    parties = {1: Party(1, "UA", "hospital", EN), 2: Party(2, "KZ", "hospital", EN)}
    entries = [entry(101, 1, "need", "burns_care"), entry(102, 1, "offer", "tuberculosis"),
               entry(201, 2, "offer", "burns_care"), entry(202, 2, "need", "trauma_surgery")]
    assert "tuberculosis" not in RELATED["trauma_surgery"]
    assert scores(parties, entries)[(101, 201)].components["reciprocity"] == 0.0


def test_reciprocity_reason_names_both_items():
    need, offer = entry(101, 1, "need", "burns_care"), entry(201, 2, "offer", "burns_care")
    back = entry(102, 1, "offer", "trauma_surgery", form="staff_exchange")
    theirs = [entry(202, 2, "need", "trauma_surgery"), entry(203, 2, "need", "ophthalmology")]
    assert reciprocal_offer(need, offer, [back], theirs, RELATED) == back
    parties = {1: Party(1, "UA", "hospital", EN), 2: Party(2, "KZ", "hospital", EN)}
    candidate = engine.score_pair(parties, need, offer, RELATED, [back, *theirs])
    matched, _ = engine.explain(need, offer, candidate.components, parties, back)
    details = dict(next(d for code, d in matched if code == "reciprocity"))
    assert details == {"offer_area": "burns_care", "offer_form": "training",
                       "back_area": "trauma_surgery", "back_form": "staff_exchange"}


def test_no_shared_language_is_never_strong_and_says_an_interpreter_is_needed():
    parties = {1: Party(1, "UA", "hospital", frozenset({"uk"})),
               2: Party(2, "KZ", "hospital", frozenset({"kk"}))}
    words = "burns surgery training course nurses"
    entries = [entry(101, 1, "need", "burns_care", languages=frozenset({"uk"}), quantity=5,
                     description=words),
               entry(102, 1, "offer", "burns_care"),
               entry(201, 2, "offer", "burns_care", languages=frozenset({"kk"}), quantity=5,
                     description=words),
               entry(202, 2, "need", "burns_care")]
    found = scores(parties, entries)[(101, 201)]
    assert found.components["language"] == 0.0
    assert rules.score_word(found.score) != "strong"
    assert ("no_shared_language", ()) in found.missing


def test_capacity_short_of_a_need_that_cannot_be_split_ranks_below_offers_that_fit():
    parties = {1: Party(1, "UA", "hospital", EN), 2: Party(2, "KZ", "childrens_hospital", EN),
               3: Party(3, "KZ", "hospital", EN)}
    text = "paediatric burns course"
    entries = [entry(101, 1, "need", "burns_care", quantity=20, description=text),
               # The better partner otherwise (kind, description), but 4 places for 20.
               entry(201, 2, "offer", "burns_care", quantity=4, description=text),
               entry(301, 3, "offer", "burns_care", quantity=20, description="course")]
    found = scores(parties, entries)
    assert found[(101, 301)].score > found[(101, 201)].score
    assert rules.score_word(found[(101, 201)].score) == "possible"
    assert "capacity_short" in [code for code, _ in found[(101, 201)].missing]


def test_capacity_short_is_fine_when_the_need_can_be_split():
    parties = {1: Party(1, "UA", "hospital", EN), 2: Party(2, "KZ", "hospital", EN),
               3: Party(3, "KZ", "hospital", EN)}
    entries = [entry(101, 1, "need", "burns_care", quantity=20, splittable=True,
                     description="burns course nurses"),
               entry(201, 2, "offer", "burns_care", quantity=4, description="burns course nurses"),
               entry(301, 3, "offer", "burns_care", quantity=20, description="dialysis")]
    found = scores(parties, entries)
    assert found[(101, 201)].score > found[(101, 301)].score
    assert "capacity_part" in [code for code, _ in found[(101, 201)].matched]


def test_descriptions_differ_only_when_nothing_is_shared():
    parties = {1: Party(1, "UA", "hospital", EN), 2: Party(2, "KZ", "hospital", EN)}
    need = entry(101, 1, "need", "burns_care", description="skin grafting course for surgeons")
    some = entry(201, 2, "offer", "burns_care",
                 description="two week course in a burns unit for nurses and surgeons")
    none = entry(202, 2, "offer", "burns_care", description="dialysis machines")
    for offer, differs in ((some, False), (none, True)):
        candidate = engine.score_pair(parties, need, offer, RELATED)
        codes = [code for code, _ in candidate.missing]
        assert ("text_different" in codes) is differs


def test_transliteration_folds_cyrillic_words_only():
    assert fold("arterial") == ["arterial"]
    assert fold("Chest-x-ray") == ["chest", "x", "ray"]
    assert fold("реабілітація") == fold("реабилитация")
    assert "arteri" in stems("arterial surgery").stems
    assert similarity(stems("реабілітація дітей"), stems("реабилитация детей")) > 0


def test_a_kazakh_need_and_an_english_offer_about_the_same_thing_are_alike():
    kazakh = stems("Балаларды оңалту бойынша тәжірибе алмасу")
    english = stems("Exchange of experience in paediatric rehabilitation")
    assert not kazakh.stems & english.stems
    assert similarity(kazakh, english) >= rules.TEXT_SIMILAR
