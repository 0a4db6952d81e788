"""Words reduced to lemmas: pymorphy3 for Ukrainian and Russian, Snowball for English, our own
stemmer for Kazakh; each word's language is told by its letters.

A lemma is returned as a *key*: Cyrillic lemmas are transliterated and folded to their Latin
skeleton (``реабілітація`` and ``реабилитация`` both give ``reabilitacia``), so that Ukrainian and
Russian spellings of one word meet; English words are only stemmed, never folded (``arterial`` ->
``arteri``), because folding Latin letters would merge unrelated English words.
"""

import re
import unicodedata
from functools import lru_cache

from . import kazakh
from .transliteration import skeleton

LANGUAGES = ("uk", "kk", "ru", "en")
KAZAKH_LETTERS = set("әғқңөұүһ")
UKRAINIAN_LETTERS = set("єїґ")
RUSSIAN_LETTERS = set("эъё")   # ы is Russian and Kazakh, і Ukrainian and Kazakh
# A word: letters (any script), digits and inner apostrophes or hyphens (сім'я, п’ять, X-ray).
WORD = re.compile(r"[^\W_]+(?:['’ʼ\-][^\W_]+)*")
STOP_WORDS = frozenset({
    # uk
    "і", "й", "та", "в", "у", "з", "із", "зі", "на", "до", "для", "по", "від", "що", "як", "а",
    "або", "це", "при", "про", "під", "над", "не", "чи", "ваш", "наш",
    # ru
    "и", "с", "со", "к", "от", "о", "об", "или", "что", "это", "из",
    # kk
    "және", "мен", "бен", "пен", "үшін", "бойынша", "да", "де", "те", "немесе", "бұл", "біз",
    # en
    "and", "or", "of", "the", "a", "an", "in", "on", "for", "to", "with", "by", "at", "from", "is",
    "are", "we", "our", "as",
})


@lru_cache(maxsize=2)
def _analyser(language: str):
    """The pymorphy3 analyser of a language, built once per process (it loads a dictionary)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=language)


@lru_cache(maxsize=1)
def _english():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def words(text: str) -> list[str]:
    """The lower-case words of a text (apostrophes unified), stop words included."""
    text = unicodedata.normalize("NFKC", text or "").lower().replace("’", "'").replace("ʼ", "'")
    return WORD.findall(text)


def candidates(word: str) -> tuple[str, ...]:
    """The languages a lower-case word may belong to, by its letters (most likely first)."""
    if word.isascii():
        return ("en",)
    letters = set(word)
    if letters & KAZAKH_LETTERS:
        return ("kk",)
    if letters & UKRAINIAN_LETTERS:
        return ("uk",)
    if letters & RUSSIAN_LETTERS:
        return ("ru",)
    if "і" in letters:
        return ("uk", "kk")
    if "ы" in letters:
        return ("ru", "kk")
    return ("uk", "ru", "kk")


def language_of(word: str, hint: str | None = None) -> str:
    """The language of one word by its letters; a hint or the dictionaries decide shared ones."""
    word = word.lower()
    possible = candidates(word)
    if len(possible) == 1:
        return possible[0]
    if hint in possible:
        return hint
    for language in possible:
        if language != "kk" and _analyser(language).parse(word)[0].is_known:
            return language
    return "kk"


def _cyrillic(word: str) -> bool:
    return any("а" <= ch <= "я" or ch in "ієїґәғқңөұүһё" for ch in word)


@lru_cache(maxsize=131072)
def _lemma(word: str, hint: str | None) -> str:
    if word.isascii():
        return _english().stemWord(word)
    if not _cyrillic(word):
        return word   # other scripts: kept as they are
    language = language_of(word, hint)
    if language == "kk":
        return skeleton(kazakh.stem(word))
    return skeleton(_analyser(language).parse(word)[0].normal_form)


def tokens(text: str, language: str | None = None) -> list[tuple[int, int, str]]:
    """Each word of a text that is not a stop word, as ``(start, end, key)``: offsets in
    ``text`` (for highlighting), the key as ``lemmas`` gives it."""
    found = []
    for match in WORD.finditer(unicodedata.normalize("NFKC", text or "")):
        word = match.group().lower().replace("’", "'").replace("ʼ", "'")
        if word in STOP_WORDS:
            continue
        key = _lemma(word, language)
        if key:
            found.append((match.start(), match.end(), key))
    return found


def lemma(word: str, language: str | None = None) -> str:
    """The key of one word (see the module's docstring)."""
    return _lemma(word.lower(), language)


def lemmas(text: str, language: str | None = None) -> list[str]:
    """The keys of a text's words in order, stop words left out.

    ``language`` (uk, kk, ru, en) decides only for Cyrillic words whose letters are shared by
    several languages; a Latin word is always English and a word with ә or є tells its own.
    """
    keys = []
    for word in words(text):
        if word in STOP_WORDS:
            continue
        key = _lemma(word, language)
        if key:
            keys.append(key)
    return keys
