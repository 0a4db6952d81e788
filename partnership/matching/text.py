"""Similarity of free-text descriptions across Ukrainian, Kazakh, Russian and English.

Words are transliterated to one Latin skeleton (so "реабілітація", "реабилитация" and
"rehabilitation" meet), cut to a six-letter stem, and compared as sets (Dice coefficient).
No statistics of the whole corpus are used, so adding an item never changes another pair's score.
"""

from functools import lru_cache

from ..organisations.search import skeleton

STEM = 6
_STOP = """
для що які який яка якщо також після перед через може можемо наших наша наші ваших
және үшін бойынша арқылы кейін дейін біздің сіздің бар жоқ емес болып
что которые который также
with from that this have will their other also after before into about which
"""
STOPWORDS = frozenset(skeleton(_STOP).split())


def stems(text: str) -> frozenset[str]:
    """The stems of the words worth comparing (four letters or more, not stop words)."""
    found: set[str] = set()
    for token in text.split():
        found.update(_token_stems(token))
    return frozenset(found)


@lru_cache(maxsize=262_144)
def _token_stems(token: str) -> tuple[str, ...]:
    # No fold of ``skeleton`` crosses white space, so a text's stems are the union of its
    # tokens' stems; descriptions share most of their words, so each is folded once.
    return tuple(word[:STEM] for word in skeleton(token).split()
                 if len(word) >= 4 and word not in STOPWORDS)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient of two stem sets, in [0, 1]."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def forget_stems() -> None:
    """Forget the remembered words' stems (a benchmark's cold start)."""
    _token_stems.cache_clear()
