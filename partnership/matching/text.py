"""Similarity of free-text descriptions across Ukrainian, Kazakh, Russian and English.

Cyrillic words are transliterated to one Latin skeleton (so "реабілітація" and "реабилитация"
meet); Latin words are only lower-cased (folding bends English: "arterial" must stay
"arterial"). Words are cut to a six-letter stem and compared as sets (Dice coefficient). When
the lexicon is present (``partnership.lexicon``), a description's medical concepts join its
stems, so a Kazakh need and an English offer about the same thing meet. No statistics of the
whole corpus are used, so adding an item never changes another pair's score.
"""

import re
from functools import lru_cache

from ..organisations.search import skeleton

STEM = 6
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


def stems(text: str) -> frozenset[str]:
    """The stems of the words worth comparing (four letters or more, not stop words), and the
    description's concepts (``~code``) when the lexicon is present."""
    found: set[str] = set()
    for token in text.split():
        found.update(_token_stems(token))
    found.update(_concepts(text))
    return frozenset(found)


@lru_cache(maxsize=262_144)
def _token_stems(token: str) -> tuple[str, ...]:
    # No fold crosses white space, so a text's stems are the union of its tokens' stems;
    # descriptions share most of their words, so each is folded once.
    return tuple(word[:STEM] for word in fold(token)
                 if len(word) >= 4 and word not in STOPWORDS)


def _concepts(text: str) -> tuple[str, ...]:
    if _lexicon_concepts is None:
        return ()
    return tuple(f"~{concept}" for concept in _lexicon_concepts(text))


try:  # the cross-language thesaurus (issue 14, items 1-2)
    from ..lexicon import concepts as _lexicon_concepts  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - before the lexicon lands
    _lexicon_concepts = None


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient of two stem sets, in [0, 1]."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def forget_stems() -> None:
    """Forget the remembered words' stems (a benchmark's cold start)."""
    _token_stems.cache_clear()
