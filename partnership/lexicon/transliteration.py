"""Latin letters for Cyrillic words and a coarse phonetic skeleton of them.

"Mykolaiv", "Миколаїв" and "Николаев" meet in one spelling: text is transliterated to Latin
(Ukrainian, Kazakh and Russian letters), then folded (kh -> h, y -> i, doubled letters once, ...).
"""

import re
import unicodedata
from functools import lru_cache

CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ъ": "", "ы": "y",
    "э": "e", "ё": "e", "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "'": "", "’": "", "ʼ": "",
}
FOLDS = (
    ("shch", "s"), ("sch", "s"), ("kh", "h"), ("zh", "z"), ("ts", "c"), ("ch", "c"),
    ("sh", "s"), ("x", "ks"), ("q", "k"), ("w", "v"), ("g", "h"), ("ye", "e"), ("ie", "e"),
    ("je", "e"), ("yu", "u"), ("iu", "u"), ("ju", "u"), ("ya", "a"), ("ia", "a"), ("ja", "a"),
    ("yi", "i"), ("y", "i"), ("j", "i"),
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_DOUBLE = re.compile(r"(.)\1+")


_TABLE = str.maketrans(CYRILLIC)


def transliterate(text: str) -> str:
    """Latin letters for Cyrillic ones (Ukrainian, Kazakh, Russian), lower-cased."""
    return unicodedata.normalize("NFKC", text).lower().translate(_TABLE)


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """The folded form used for matching: words of Latin letters separated by single spaces.
    Cached: highlighting asks for the same words of every result page again and again."""
    latin = transliterate(text)
    if not latin.isascii():
        latin = "".join(ch for ch in unicodedata.normalize("NFKD", latin)
                        if not unicodedata.combining(ch))
    # Whole-string passes (no fold crosses a space), then doubled letters once.
    folded = _NON_WORD.sub(" ", latin)
    for old, new in FOLDS:
        folded = folded.replace(old, new)
    return _DOUBLE.sub(r"\1", folded).strip()
