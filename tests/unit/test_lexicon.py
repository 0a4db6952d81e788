"""partnership.lexicon: lemmas in four languages, the Kazakh stemmer and the thesaurus."""

import json
from collections import Counter

import pytest

from partnership.lexicon import all_concepts, concepts, language_of, lemmas, terms
from partnership.lexicon.kazakh import stem
from partnership.lexicon.thesaurus import load
from partnership.organisations.taxonomy import areas

REHABILITATION = ["реабілітація", "реабілітації", "реабілітацією", "реабилитация",
                  "реабилитации", "rehabilitation", "оңалту", "оңалтуды", "оңалтудың"]


@pytest.mark.parametrize("word", REHABILITATION)
def test_every_spelling_of_rehabilitation_names_one_concept(word):
    assert "rehabilitation" in concepts(word)


def test_ukrainian_and_russian_inflections_share_a_lemma():
    assert lemmas("реабілітації") == lemmas("реабілітація") == lemmas("реабилитации")
    assert lemmas("лікарні") == lemmas("лікарнями") == lemmas("лікарня")
    assert lemmas("больницы") == lemmas("больница")


def test_english_words_are_stemmed_never_transliterated():
    assert lemmas("arterial") == ["arteri"]
    assert lemmas("Hospitals") == ["hospit"]
    # A Latin word is English even when a Cyrillic hint is given.
    assert lemmas("arterial", "uk") == ["arteri"]


def test_language_of_a_word_by_its_letters():
    assert language_of("оңалту") == "kk"
    assert language_of("їжа") == "uk"
    assert language_of("съезд") == "ru"
    assert language_of("hospital") == "en"
    assert language_of("лікарня") == "uk"          # і: Ukrainian or Kazakh, the dictionary knows it
    assert language_of("балалар") == "kk"          # no dictionary knows it
    assert language_of("больница") == "ru"
    assert language_of("хирургия", "kk") == "kk"   # shared letters: the hint decides


def test_stop_words_are_left_out():
    assert lemmas("реабілітація та протезування") == lemmas("реабілітація протезування")
    assert lemmas("Оңалту және протездеу") == lemmas("оңалту протездеу")


KAZAKH = [  # word -> stem: plural, possessive, case, in that order from the root
    ("балалар", "бала"), ("балаларды", "бала"), ("балалардың", "бала"), ("балаларының", "бала"),
    ("баланы", "бала"), ("балаға", "бала"),
    ("оңалту", "оңалту"), ("оңалтуды", "оңалту"), ("оңалтудың", "оңалту"),
    ("денсаулығы", "денсаулық"), ("жүрегі", "жүрек"),                      # ғ -> қ, г -> к
    ("хирургиясы", "хирургия"), ("кардиологиясы", "кардиология"),
    ("ана", "ана"), ("анасы", "ана"),                                         # short roots stay
    ("аурухана", "аурухана"), ("ауруханада", "аурухана"), ("ауруханадан", "аурухана"),
    ("ауруханасына", "аурухана"), ("ауруханалары", "аурухана"), ("ауруханамен", "аурухана"),
    ("жарақаты", "жарақат"), ("жарақатты", "жарақат"),                       # т + ы, not т + ты
    ("дәрігерлерге", "дәрігер"), ("мектепке", "мектеп"), ("емдеуге", "емдеу"),
]


@pytest.mark.parametrize(("word", "expected"), KAZAKH)
def test_kazakh_stemmer(word, expected):
    assert stem(word) == expected


def test_thesaurus_every_concept_has_all_four_languages_and_no_duplicates():
    document = load()
    entries = document["concepts"]
    assert len([e for e in entries if e["kind"] == "term"]) >= 300
    ids = Counter(entry["id"] for entry in entries)
    assert not [i for i, n in ids.items() if n > 1]
    for entry in entries:
        assert entry["source"] in document["sources"], entry["id"]
        for language in ("en", "uk", "kk", "ru"):
            forms = entry["forms"][language]
            assert forms and all(form.strip() for form in forms), (entry["id"], language)
            assert len({form.lower() for form in forms}) == len(forms), (entry["id"], language)
    # The same form in one language does not belong to two concepts (it would blur both).
    owners = {}
    for entry in entries:
        for language, forms in entry["forms"].items():
            for form in forms:
                key = (language, form.lower())
                assert key not in owners, (key, owners.get(key), entry["id"])
                owners[key] = entry["id"]


def test_thesaurus_holds_every_taxonomy_area_with_its_labels():
    by_id = {concept.id: concept for concept in all_concepts()}
    for code, area in areas().items():
        assert by_id[code].kind == "area"
        for language in ("en", "uk", "kk"):
            assert area.labels[language] in by_id[code].forms[language]


def test_each_area_label_names_its_area_in_every_language():
    for concept in all_concepts():
        for language, forms in concept.forms.items():
            for form in forms:
                assert concept.id in concepts(form, language), (concept.id, language, form)


def test_phrases_match_only_side_by_side():
    assert "cardiac_surgery" in concepts("Жүрек хирургиясы")
    assert "cardiac_surgery" in concepts("кардіохірургія")
    assert "paediatric_oncology" in concepts("детская онкология")
    assert "paediatric_oncology" not in concepts("онкологія для дорослих, дитячий садок")


def test_terms_are_lemmas_then_concepts():
    assert terms("Реабілітація") == ["reabilitacia", "c:rehabilitation"]


def test_thesaurus_file_is_valid_json_built_from_the_batches():
    from pathlib import Path

    path = Path(__file__).parents[2] / "partnership/data/thesaurus.json"
    assert json.loads(path.read_text("utf-8"))["concepts"]
