"""Similarity of free-text descriptions across Ukrainian, Kazakh, Russian and English.

Cyrillic words are transliterated to one Latin skeleton (so "реабілітація" and
"реабилитация" meet); Latin words are only lower-cased (folding bends English: "arterial"
must stay "arterial"). Words are cut to a six-letter stem and compared as sets (Dice
coefficient). The descriptions' medical concepts (the cross-language thesaurus,
``partnership.lexicon``) are compared too, so a Kazakh need and an English offer about the
same thing meet; the better of the two likenesses counts four times as much as the other.
No statistics of the whole corpus are used, so adding an item never changes another pair's
score.
"""

import re
from functools import lru_cache
from typing import NamedTuple

from ..lexicon import concepts_of_keys, lemmas
from ..organisations.search import skeleton

STEM = 6
BETTER = 0.8  # the weight of the better of the two likenesses (concepts, words)
_STOP = """
для що які який яка якщо також після перед через може можемо наших наша наші ваших
және үшін бойынша арқылы кейін дейін біздің сіздің бар жоқ емес болып
что которые который также
"""
_ENGLISH_STOP = """
with from that this have will their other also after before into about which
"""
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(skeleton(_STOP).split()) | frozenset(_ENGLISH_STOP.split())


def fold(token: str) -> list[str]:
    """A token's comparable words: Cyrillic transliterated and folded, Latin lower-cased."""
    if _CYRILLIC.search(token):
        return skeleton(token).split()
    return _LATIN_WORD.findall(token.lower())


class Words(NamedTuple):
    """What a description says: its word stems and its thesaurus concepts."""

    stems: frozenset[str]
    concepts: frozenset[str]


def stems(text: str) -> Words:
    """The stems of the words worth comparing (four letters or more, not stop words), and the
    medical concepts the text names (``partnership.lexicon``), in any of the four languages.

    Worked out token by token (white space never falls inside a word, so a text's stems and
    lemma keys are those of its tokens, in order): descriptions share most of their tokens, so
    each token is read once, and only the thesaurus lookup runs for every text. The same as
    ``lexicon.concepts(text)``; ``tests/unit/test_matching_text.py`` holds them together."""
    found: set[str] = set()
    keys: list[str] = []
    for token in text.split():
        token_stems, token_keys = _token(token)
        found.update(token_stems)
        keys.extend(token_keys)
    return Words(frozenset(found), frozenset(concepts_of_keys(keys)))


@lru_cache(maxsize=262_144)
def _token(token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A white-space token's stems and its lemma keys (``lexicon.lemmas``)."""
    return _token_stems(token), tuple(lemmas(token))


def _token_stems(token: str) -> tuple[str, ...]:
    return tuple(word[:STEM] for word in fold(token)
                 if len(word) >= 4 and word not in STOPWORDS)


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient of two sets, in [0, 1]."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def similarity(a: Words, b: Words) -> float:
    """How alike two descriptions are: mostly by whichever says more, their concepts
    (whatever their languages) or their words; the other breaks ties (a term the thesaurus
    misses may still share a stem)."""
    # ``dice`` written out twice: a full run compares 400,000 pairs.
    x, y = a.concepts, b.concepts
    by_concepts = 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0
    x, y = a.stems, b.stems
    by_words = 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0
    if by_concepts < by_words:
        return BETTER * by_words + (1 - BETTER) * by_concepts
    return BETTER * by_concepts + (1 - BETTER) * by_words


def forget_stems() -> None:
    """Forget the remembered words' stems and concepts (a benchmark's cold start)."""
    _token.cache_clear()
