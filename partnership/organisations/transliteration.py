"""Suggested names in the other languages of the memorandum, by transliteration.

A suggestion is a starting point the person confirms, never a translation: registration and
the profile pre-fill the blank name fields with it, marked "suggested — please check".

- Ukrainian -> Latin: the national romanisation (Cabinet of Ministers Resolution No. 55 of
  27 January 2010), including the word-initial forms of є, ї, й, ю, я and "зг" -> "zgh".
- Kazakh -> Latin: the Kazakh Latin alphabet of 2021 (ä, ğ, q, ñ, ö, ū, ü, ş ...).
- Kazakh <-> Ukrainian Cyrillic: letter by letter, as each language writes the other's names
  ("Шымкент" -> "Шимкент", "Миколаїв" -> "Мыколайив").
"""

import re

UKRAINIAN_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia",
}
# At the start of a word: є, ї, й, ю, я are written with y.
UKRAINIAN_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
KAZAKH_LATIN = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io",
    "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū",
    "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "ş", "щ": "şş", "ъ": "",
    "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}
KAZAKH_UKRAINIAN = {
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "ы": "и",
    "и": "і", "э": "е", "ё": "йо", "ъ": "",
}
UKRAINIAN_KAZAKH = {"и": "ы", "і": "и", "ї": "йи", "є": "е", "ґ": "г"}
APOSTROPHES = "'’ʼ`"
WORD = re.compile(r"\w[\w'’ʼ`]*|.", re.UNICODE | re.DOTALL)


def _case_like(source: str, target: str, whole_word_upper: bool) -> str:
    """``target`` in the case of the letter ``source`` it stands for."""
    if not source.isupper() or not target:
        return target
    return target.upper() if whole_word_upper else target[:1].upper() + target[1:]


def _by_letter(text: str, table: dict, initial: dict | None = None,
               special=None) -> str:
    out = []
    for word in WORD.findall(text):
        if not word[0].isalnum():
            out.append(word)
            continue
        upper = len(word) > 1 and word.isupper()
        lower = word.lower()
        index = 0
        while index < len(word):
            letter = lower[index]
            if special and (found := special(lower, index)) is not None:
                value, length = found
                out.append(_case_like(word[index], value, upper))
                index += length
                continue
            if letter in APOSTROPHES:
                value = "" if table in (UKRAINIAN_LATIN, KAZAKH_LATIN) else word[index]
            elif initial and index == 0 and letter in initial:
                value = initial[letter]
            else:
                value = table.get(letter, word[index] if not word[index].isupper()
                                  else letter)
            out.append(_case_like(word[index], value, upper))
            index += 1
    return "".join(out)


def _zgh(lower: str, index: int):
    if lower.startswith("зг", index):
        return "zgh", 2
    return None


def ukrainian_to_latin(text: str) -> str:
    """"Харків" -> "Kharkiv", "Згурівка" -> "Zghurivka", "Юрій" -> "Yurii"."""
    return _by_letter(text, UKRAINIAN_LATIN, UKRAINIAN_INITIAL, _zgh)


def kazakh_to_latin(text: str) -> str:
    """"Қарағанды" -> "Qarağandy", "Шаңырақ" -> "Şañyraq" (the 2021 alphabet)."""
    return _by_letter(text, KAZAKH_LATIN)


def kazakh_to_ukrainian(text: str) -> str:
    """"Шымкент" -> "Шимкент", "Қарағанды" -> "Караганди"."""
    return _by_letter(text, KAZAKH_UKRAINIAN)


def ukrainian_to_kazakh(text: str) -> str:
    """"Київ" -> "Кыйив": a starting point for the Kazakh spelling."""
    return _by_letter(text, UKRAINIAN_KAZAKH)


def suggested(source_language: str, text: str, language: str) -> str:
    """``text`` (in ``source_language``, uk or kk) as a starting point in ``language``."""
    text = (text or "").strip()
    if not text or source_language == language:
        return text
    if language == "en":
        return (ukrainian_to_latin if source_language == "uk" else kazakh_to_latin)(text)
    if source_language == "kk" and language == "uk":
        return kazakh_to_ukrainian(text)
    if source_language == "uk" and language == "kk":
        return ukrainian_to_kazakh(text)
    return ""


NAME_LANGUAGES = ("uk", "kk", "en")


def suggested_names(country: str, names: dict) -> dict[str, str]:
    """For each blank name among uk, kk, en: a suggestion from the name in the country's own
    language (uk for UA, kk for KZ), or from the other Cyrillic name when that one is blank."""
    native = "uk" if country == "UA" else "kk"
    source = native if (names.get(native) or "").strip() else (
        "kk" if native == "uk" else "uk")
    if not (names.get(source) or "").strip():
        return {}
    result = {}
    for language in NAME_LANGUAGES:
        if not (names.get(language) or "").strip():
            value = suggested(source, names[source], language)
            if value:
                result[language] = value
    return result
