"""Script-independent search keys: "Mykolaiv", "Миколаїв" and "Николаев" meet in one spelling.

Text is transliterated to Latin (Ukrainian, Kazakh and Russian letters), then folded to a coarse
phonetic skeleton (kh -> h, y -> i, doubled letters once, ...), so that a query typed in either
script, in any of the usual romanisations, finds the names written in the other.
"""

from ..lexicon.transliteration import CYRILLIC, FOLDS, skeleton, transliterate

__all__ = ["CYRILLIC", "FOLDS", "query_words", "search_key", "skeleton", "transliterate"]


def search_key(*texts: str | None) -> str:
    """The stored key: the skeletons of all names and descriptions, each word after a space."""
    return " " + " | ".join(skeleton(text) for text in texts if text) + " "


def query_words(query: str) -> list[str]:
    """The skeleton words of a query; each must begin a word of the key (``LIKE '% word%'``)."""
    return [word for word in skeleton(query[:200]).split(" ") if word][:8]
