"""Words across languages: lemmas (uk, kk, ru, en) and concepts of the medical thesaurus.

The stable API (other areas import only these names):

- ``lemmas(text, language=None) -> list[str]``: the keys of a text's words (see ``morphology``);
- ``concepts(text, language=None) -> set[str]``: the thesaurus concept ids the text names;
- ``terms(text, language=None) -> list[str]``: lemmas followed by ``c:<concept id>`` tokens, the
  words a search index stores for the text;
- ``concept(id)``, ``all_concepts()``, ``Concept.label(language)``; ``language_of(word, hint)``;
- ``tokens(text, language=None)``: ``(start, end, key)`` of each word, for highlighting;
  ``concept_spans(keys)``: ``(start, end, id)`` of each concept in a list of keys;
- ``warm()`` loads the dictionaries and the thesaurus ahead (a worker's start).

Everything expensive is loaded once per process and each word's lemma is cached.
"""

from .morphology import LANGUAGES, STOP_WORDS, language_of, lemma, lemmas, tokens, words
from .thesaurus import (
    Concept,
    all_concepts,
    concept,
    concept_spans,
    concepts,
    concepts_of_keys,
)

CONCEPT_PREFIX = "c:"

__all__ = [
    "CONCEPT_PREFIX", "LANGUAGES", "STOP_WORDS", "Concept", "all_concepts", "concept",
    "concept_spans", "concepts", "concepts_of_keys", "language_of", "lemma", "lemmas", "terms",
    "tokens", "warm", "words",
]


def terms(text: str, language: str | None = None) -> list[str]:
    """The index terms of a text: its lemmas, then its concepts as ``c:<id>`` (sorted)."""
    keys = lemmas(text, language)
    return keys + [CONCEPT_PREFIX + concept_id for concept_id in sorted(concepts_of_keys(keys))]


def warm() -> None:
    """Load the morphology dictionaries and the thesaurus now rather than on the first request."""
    concepts("реабілітація реабилитация rehabilitation оңалту")
