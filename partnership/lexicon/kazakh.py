"""A small suffix-stripping stemmer for Kazakh (no maintained Kazakh stemmer is on PyPI).

Kazakh is agglutinative: a noun takes, in this order, plural + possessive + case endings
(``бала-лар-ы-ның``: "of their children"). The stemmer removes at most one ending of each class,
from the outside in, so that the inflected forms of a noun meet in one stem:

1. case (the longest match first): genitive ``ның/нің/дың/дің/тың/тің``,
   dative ``ға/ге/қа/ке/на/не``, accusative ``ны/ні/ды/ді/ты/ті/н``,
   locative ``да/де/та/те/нда/нде``, ablative
   ``дан/ден/тан/тен/нан/нен``, instrumental ``мен/бен/пен/ымен/імен``, equative ``ша/ше``;
2. possessive: ``ымыз/іміз/ыңыз/іңіз/мыз/міз/ңыз/ңіз/сы/сі/ым/ім/ың/ің/м/ң`` and the third-person
   ``ы/і`` after a consonant;
3. plural: ``лар/лер/дар/дер/тар/тер``.

A suffix is removed only if at least three letters remain (four for the one-letter endings), so
short roots (``ана`` "mother", ``ем`` "treatment") stay whole. When an ending that begins with a
vowel was removed, the voiced final consonant goes back to its dictionary form (``денсаулығы`` ->
``денсаулық``, ``жүрегі`` -> ``жүрек``, ``кітабы`` -> ``кітап``). The table of test words is in
``tests/unit/test_lexicon.py``. Not handled: verb conjugation (a verbal noun ``оңалту`` keeps its
``-у``), derivational suffixes (``-лық``, ``-шы``) and the rare roots that end in ``ғ/г/б``.
"""

from functools import lru_cache

VOWELS = set("аәеёиіоөуұүыэюя")
CASE = sorted((
    "ның", "нің", "дың", "дің", "тың", "тің",
    "ға", "ге", "қа", "ке", "на", "не",
    "ны", "ні", "ды", "ді", "ты", "ті", "н",
    "нда", "нде", "да", "де", "та", "те",
    "нан", "нен", "дан", "ден", "тан", "тен",
    "ымен", "імен", "мен", "бен", "пен",
    "ша", "ше",
), key=len, reverse=True)
POSSESSIVE = sorted((
    "ымыз", "іміз", "ыңыз", "іңіз", "мыз", "міз", "ңыз", "ңіз",
    "сы", "сі", "ым", "ім", "ың", "ің", "м", "ң", "ы", "і",
), key=len, reverse=True)
PLURAL = ("лар", "лер", "дар", "дер", "тар", "тер")
DEVOICE = {"ғ": "қ", "г": "к", "б": "п"}
VOICELESS = set("кқпстфхцчшщ")
AFTER_POSSESSIVE = {"на", "не", "нда", "нде", "нан", "нен", "н"}


def _strip(word: str, endings) -> tuple[str, str]:
    for ending in endings:
        if not word.endswith(ending):
            continue
        stem = word[: -len(ending)]
        if len(stem) < (4 if len(ending) == 1 else 3):
            continue
        if ending in ("ы", "і") and stem[-1] in VOWELS:
            continue   # after a vowel the third-person possessive is сы/сі
        if not _fits(stem, ending):
            continue
        return stem, ending
    return word, ""


def _fits(stem: str, ending: str) -> bool:
    """Whether the ending's first sound agrees with the stem's last one (Kazakh assimilation)."""
    last, first = stem[-1], ending[0]
    if ending in AFTER_POSSESSIVE:
        return last in "ыі"            # ауруханасына, but not аурухана -> ауруха + на
    if ending in ("м", "ң", "ны", "ні"):
        return last in VOWELS
    if first in "тқкп":
        return last in VOICELESS       # жарақатты, but not жарақаты -> жарақа + ты
    if first in "дғгб":
        return last not in VOICELESS
    return True


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one lower-case Kazakh word."""
    removed = ""
    for endings in (CASE, POSSESSIVE, PLURAL):
        word, ending = _strip(word, endings)
        removed = ending or removed
    if removed and removed[0] in VOWELS and word[-1] in DEVOICE:
        word = word[:-1] + DEVOICE[word[-1]]
    return word
