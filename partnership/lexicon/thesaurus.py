"""Concepts of the cross-language medical thesaurus (``partnership/data/thesaurus.json``).

Each concept has forms in en, uk, kk and ru; a form is one word or a phrase. A text names a
concept when the keys (lemmas) of one of its forms occur in the text's keys, a phrase's keys side
by side (stop words left out). So "реабілітації", "реабилитация", "rehabilitation" and "оңалту" all
name ``rehabilitation``.
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .morphology import LANGUAGES, lemmas


@dataclass(frozen=True)
class Concept:
    id: str
    kind: str            # area (a taxonomy area, same code) | term
    source: str
    forms: dict          # language -> tuple of forms

    def label(self, language: str) -> str:
        """The concept's first form in a language (English when it has none)."""
        forms = self.forms.get(language) or self.forms["en"]
        return forms[0]


@dataclass(frozen=True)
class _Index:
    concepts: dict        # id -> Concept
    single: dict          # key -> frozenset of ids
    phrases: dict         # first key -> tuple of (keys, id)
    longest: int


def load() -> dict:
    """The thesaurus document as stored."""
    text = resources.files("partnership").joinpath("data/thesaurus.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _index() -> _Index:
    concepts, single, phrases, longest = {}, {}, {}, 1
    for entry in load()["concepts"]:
        forms = {lang: tuple(entry["forms"].get(lang, ())) for lang in LANGUAGES}
        concepts[entry["id"]] = Concept(entry["id"], entry["kind"], entry["source"], forms)
        for language, texts in forms.items():
            for text in texts:
                keys = tuple(lemmas(text, language))
                if len(keys) == 1:
                    single.setdefault(keys[0], set()).add(entry["id"])
                elif keys:
                    phrases.setdefault(keys[0], set()).add((keys, entry["id"]))
                    longest = max(longest, len(keys))
    return _Index(
        concepts,
        {key: frozenset(ids) for key, ids in single.items()},
        {key: tuple(sorted(items)) for key, items in phrases.items()},
        longest,
    )


def concept_spans(keys: list[str]) -> list[tuple[int, int, str]]:
    """Where each concept occurs in a sequence of keys: ``(start, end, id)``, end exclusive."""
    index = _index()
    spans = []
    for position, key in enumerate(keys):
        for concept_id in sorted(index.single.get(key, ())):
            spans.append((position, position + 1, concept_id))
        for phrase, concept_id in index.phrases.get(key, ()):
            if tuple(keys[position:position + len(phrase)]) == phrase:
                spans.append((position, position + len(phrase), concept_id))
    return spans


def concepts_of_keys(keys: list[str]) -> set[str]:
    """The concept ids named by a sequence of keys (as ``lemmas`` returns them): those of
    ``concept_spans``, without their places (the matching reads 100,000 descriptions)."""
    index = _index()
    single, phrases = index.single, index.phrases
    found: set[str] = set()
    for position, key in enumerate(keys):
        ids = single.get(key)
        if ids:
            found |= ids
        starting = phrases.get(key)
        if starting:
            for phrase, concept_id in starting:
                if tuple(keys[position:position + len(phrase)]) == phrase:
                    found.add(concept_id)
    return found


def concepts(text: str, language: str | None = None) -> set[str]:
    """The ids of the thesaurus concepts a text names, in any of the four languages."""
    return concepts_of_keys(lemmas(text, language))


def concept(concept_id: str) -> Concept | None:
    """One concept by id (None when the thesaurus has no such concept)."""
    return _index().concepts.get(concept_id)


def all_concepts() -> list[Concept]:
    """Every concept, in the thesaurus's order."""
    return list(_index().concepts.values())
