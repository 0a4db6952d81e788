"""The matching's text reading, token by token, says what the lexicon says of the whole text."""

import json
from pathlib import Path

from partnership.lexicon import all_concepts, concept_spans, concepts, concepts_of_keys, lemmas
from partnership.matching.text import forget_stems, stems

LABELLED = Path(__file__).parents[1] / "data" / "matching_labelled.json"
TRICKY = [
    "",
    "   ",
    "Реабілітація після інсульту; реабилитация; rehabilitation; оңалту балалар",
    "дитяча кардіохірургія\u00a0(children's cardiac surgery)",   # no-break space
    "сім'я сім’я сімʼя X-ray Covid-19 пост-травматичний",
    "a\u00a8b ΟΔΟΣ ΣΟΦΟΣ ﬁbrosis ½ №12, Kharkiv: Hospital",       # NFKC widens and folds
    "опіки,пересадка шкіри-хірургія; burns/skin grafting",
    "Medical equipment supplies (Hospital №12, Kharkiv, 3)",
]


def texts() -> list[str]:
    cases = json.loads(LABELLED.read_text("utf-8"))["cases"]
    found = list(TRICKY)
    for case in cases:
        found.append(case["need"]["description"])
        found += [offer["description"] for offer in case["offers"].values()]
    for concept in all_concepts():
        for forms in concept.forms.values():
            found.append(" ".join(forms))
            found.append(" , ".join(reversed(forms)))
    return found


def test_token_by_token_concepts_are_the_whole_texts():
    forget_stems()
    for text in texts():
        assert stems(text).concepts == frozenset(concepts(text)), text


def test_concepts_of_keys_are_those_of_the_spans():
    for text in texts():
        keys = lemmas(text)
        assert concepts_of_keys(keys) == {c for _s, _e, c in concept_spans(keys)}, text
