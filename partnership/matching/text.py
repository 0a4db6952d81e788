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

from ..lexicon import concepts as lexicon_concepts
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
    medical concepts the text names (``partnership.lexicon``), in any of the four languages."""
    found: set[str] = set()
    for token in text.split():
        found.update(_token_stems(token))
    return Words(frozenset(found), concepts(text))


@lru_cache(maxsize=131_072)
def concepts(text: str) -> frozenset[str]:
    """The thesaurus concepts of a description (descriptions repeat: each is read once)."""
    return frozenset(lexicon_concepts(text))


@lru_cache(maxsize=262_144)
def _token_stems(token: str) -> tuple[str, ...]:
    # No fold crosses white space, so a text's stems are the union of its tokens' stems;
    # descriptions share most of their words, so each is folded once.
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
    by_concepts, by_words = dice(a.concepts, b.concepts), dice(a.stems, b.stems)
    return BETTER * max(by_concepts, by_words) + (1 - BETTER) * min(by_concepts, by_words)


def forget_stems() -> None:
    """Forget the remembered words' stems and concepts (a benchmark's cold start)."""
    _token_stems.cache_clear()
    concepts.cache_clear()
