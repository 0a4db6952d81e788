"""The list of cities (``data/cities.json``): every regional centre and city of national
significance of Ukraine and Kazakhstan, with its name in uk, kk, en and ru and its region.

A profile keeps its city as typed (the form offers the list; free text is the fallback).
``names`` finds the typed city in the list, whatever language it was typed in, so the
memorandum prints "Караганда" / "Қарағанды" / "Karaganda" in the right columns; a city not in
the list gets a transliteration in the other scripts as a starting point.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from . import transliteration

LANGUAGES = ("uk", "kk", "en", "ru")
# "м. Київ", "г. Алматы", "місто Львів", "city of Aktau", "Астана қ.", "Алматы қаласы",
# "Kyiv city": the word for "city" belongs to the text around the name, never to the name.
_BEFORE = re.compile(r"^\s*(?:(?:м|г|гор|қ)\s*\.\s*|(?:місто|город|city\s+of|city|"
                     r"town\s+of|town)\s+)+", re.IGNORECASE)
_AFTER = re.compile(r"(?:[\s,]+(?:қ\.|қаласы|city|town|місто|город))+\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class City:
    code: str
    country: str
    region: str
    centre: bool
    names: dict[str, str]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


@cache
def cities() -> dict[str, City]:
    """Cities by code, Ukraine first, in the file's order."""
    data = json.loads(resources.files("partnership").joinpath("data/cities.json")
                      .read_text("utf-8"))
    return {entry["code"]: City(entry["code"], entry["country"], entry["region"],
                                bool(entry.get("centre")), entry["names"])
            for entry in data["cities"]}


def of_region(region: str) -> list[City]:
    """The cities of one region, its centre first."""
    found = [city for city in cities().values() if city.region == region]
    return sorted(found, key=lambda city: not city.centre)


def without_prefix(text: str) -> str:
    """The city's name alone: "м. м. Астана" -> "Астана", "Алматы қ." -> "Алматы"."""
    text = (text or "").strip()
    previous = None
    while previous != text:
        previous = text
        text = _AFTER.sub("", _BEFORE.sub("", text)).strip()
    return text


def _key(text: str) -> str:
    return re.sub(r"[\s'’ʼ`\-]+", "", without_prefix(text).casefold()).replace("ё", "е")


@cache
def _index() -> dict[str, list[City]]:
    index: dict[str, list[City]] = {}
    for city in cities().values():
        for name in set(city.names.values()):
            index.setdefault(_key(name), []).append(city)
    return index


def find(text: str, region: str | None = None) -> City | None:
    """The listed city a typed name stands for (in any of its languages), preferring the
    organisation's region when two share a name; None when it is not listed."""
    found = _index().get(_key(text or ""), [])
    if not found:
        return None
    for city in found:
        if city.region == region:
            return city
    return found[0]


def names(text: str, country: str, region: str | None = None) -> dict[str, str]:
    """The city in uk, kk and en: from the list, else the typed name (prefix removed) in the
    language it is written in and a transliteration in the others."""
    city = find(text, region)
    if city is not None:
        return {language: city.name(language) for language in ("uk", "kk", "en")}
    typed = without_prefix(text)
    if not typed:
        return dict.fromkeys(("uk", "kk", "en"), "")
    source = written_in(typed, country)
    result = {}
    for language in ("uk", "kk", "en"):
        result[language] = (typed if language == source else
                            transliteration.suggested(source, typed, language)
                            if source in ("uk", "kk") else typed)
    return result


KAZAKH_LETTERS = set("әғқңөұүһ")
UKRAINIAN_LETTERS = set("іїєґ")


def written_in(text: str, country: str) -> str:
    """uk, kk or en: the language a name is most likely written in."""
    letters = set(text.casefold())
    if not any("а" <= letter <= "я" or letter in KAZAKH_LETTERS | UKRAINIAN_LETTERS | {"ё"}
               for letter in letters):
        return "en"
    if letters & KAZAKH_LETTERS:
        return "kk"
    if letters & UKRAINIAN_LETTERS:
        return "uk"
    return "uk" if country == "UA" else "kk"
