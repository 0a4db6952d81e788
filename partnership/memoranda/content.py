"""What a memorandum version says: the particulars (signatories, cities, areas ...), the values
of the template's variables in each language, the rendered clauses, and the canonical text
whose SHA-256 is recorded on agreement."""

import hashlib
import json
import re
from collections.abc import Mapping, Sequence

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from . import template as texts

LANGUAGES = texts.LANGUAGES
BLANK = "____________"
# How many characters of the SHA-256 the PDF prints and the verification page shows: the same
# number in both, so the two can be compared character for character.
SHORT_HASH = 12

# Particulars given per language, in the order of the form; term and prevailing language once.
PER_LANGUAGE = ("ua.city", "ua.signatory", "ua.position", "ua.coordinator",
                "kz.city", "kz.signatory", "kz.position", "kz.coordinator",
                "areas", "forms", "place")
SINGLE = ("term_years", "prevailing_language")
# Particulars naming a city: the clause's text adds "м." / "қ." / nothing around them.
PLACES = ("ua.city", "kz.city", "place")

# The prevailing language as the clause's grammar wants it (see the template's variables).
PREVAILING = {
    "en": {"uk": "англійською", "kk": "ағылшын", "en": "English"},
    "uk": {"uk": "українською", "kk": "украин", "en": "Ukrainian"},
    "kk": {"uk": "казахською", "kk": "қазақ", "en": "Kazakh"},
}
# The date stays blank in the text: it is written by hand when the memorandum is signed.
DATE_BLANK = {"uk": "«___» ____________ 20___ року", "kk": "20___ жылғы «___» ____________",
              "en": "___ ____________ 20___"}


def _lower_first(label: str) -> str:
    """Mid-sentence form of a label ("Paediatric surgery" -> "paediatric surgery"), keeping
    abbreviations such as "ICU" as they are."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def areas_and_forms(matches) -> dict[str, dict[str, str]]:
    """The areas and forms of cooperation of a partnership's origin matches, in each
    language, as ready-made comma-separated text."""
    from ..organisations.labels import FORMS
    from ..organisations.taxonomy import areas as taxonomy_areas

    area_codes: list[str] = []
    form_codes: list[str] = []
    for match in matches:
        for item in (match.need, match.offer):
            if item.area not in area_codes:
                area_codes.append(item.area)
            if str(item.form) not in form_codes:
                form_codes.append(str(item.form))
    known = taxonomy_areas()
    result: dict[str, dict[str, str]] = {"areas": {}, "forms": {}}
    for lang in LANGUAGES:
        result["areas"][lang] = ", ".join(
            _lower_first(known[code].label(lang)) if code in known else code
            for code in area_codes)
        with force_locale(lang):
            result["forms"][lang] = ", ".join(
                _lower_first(str(FORMS[code])) for code in form_codes if code in FORMS)
    return result


def city_names(organisation) -> dict[str, str]:
    """An organisation's city in each language: from the list of cities when it is listed
    ("Қарағанды" -> "Караганда" / "Қарағанды" / "Karaganda"), else as typed in its own
    language and transliterated in the others; never one language's name in another's."""
    from ..organisations import cities

    return cities.names(organisation.city, str(organisation.country), organisation.region)


def party_name(organisation, language: str) -> str:
    """The organisation's official name in ``language``; when the profile lacks it, the
    name in its own language transliterated (never the Kazakh name in the Ukrainian text)."""
    from ..organisations import transliteration

    given = (getattr(organisation, f"name_{language}", None) or "").strip()
    if given:
        return given
    names = {lang: getattr(organisation, f"name_{lang}", None) or "" for lang in LANGUAGES}
    suggested = transliteration.suggested_names(str(organisation.country), names)
    return suggested.get(language) or organisation.name(language)


def without_prefix(value: str) -> str:
    """A city or place without "м." / "қ." / "city": the text around it adds the word."""
    from ..organisations import cities

    return cities.without_prefix(value)


def default_particulars(partnership, matches) -> dict[str, object]:
    """Particulars of a new memorandum: cities (in each language, from the list of cities)
    and areas from the partnership, the rest blank for the parties to fill in."""
    found = areas_and_forms(matches)
    cities = {"ua": city_names(partnership.ukrainian_organisation),
              "kz": city_names(partnership.kazakh_organisation)}
    particulars: dict[str, object] = {}
    for name in PER_LANGUAGE:
        side, _dot, field = name.partition(".")
        if field == "city":
            value = {lang: cities[side].get(lang, "") for lang in LANGUAGES}
        elif name in found:
            value = found[name]
        else:  # printed as a blank line to fill in by hand until someone types it
            value = dict.fromkeys(LANGUAGES, "")
        particulars[name] = value
    particulars["term_years"] = "5"
    particulars["prevailing_language"] = "en"
    return particulars


def values(partnership, particulars: Mapping[str, object]) -> dict[str, dict]:
    """The variables of the template in each language, ready for ``template.render``."""
    result = {}
    for lang in LANGUAGES:
        context: dict = {"ua": {}, "kz": {}}
        for side, organisation in (("ua", partnership.ukrainian_organisation),
                                   ("kz", partnership.kazakh_organisation)):
            context[side]["name"] = party_name(organisation, lang)
            context[side]["registry_code"] = organisation.registry_code
        for name in PER_LANGUAGE:
            value = (particulars[name].get(lang) or BLANK).strip() or BLANK
            side, _dot, field = name.partition(".")
            if name in PLACES:  # the text says "м." / "қ." itself: never "м. м. Астана"
                value = without_prefix(value) or BLANK
            if field:
                context[side][field] = value
            else:
                context[name] = value
        context["term_years"] = str(particulars["term_years"])
        context["prevailing_language"] = PREVAILING[str(particulars["prevailing_language"])][lang]
        context["date"] = DATE_BLANK[lang]
        result[lang] = context
    return result


CYRILLIC = re.compile(r"[\u0400-\u04ff]")
KAZAKH_ONLY = re.compile(r"[әғқңөұүһӘҒҚҢӨҰҮҺ]")
UKRAINIAN_ONLY = re.compile(r"[їєґЇЄҐ]")


def foreign_letters(language: str, text: str) -> bool:
    """Whether a particular typed for ``language`` holds another language's letters: Cyrillic
    in English, Kazakh letters in Ukrainian, Ukrainian letters in Kazakh."""
    pattern = {"en": CYRILLIC, "uk": KAZAKH_ONLY, "kk": UKRAINIAN_ONLY}[language]
    return bool(pattern.search(text or ""))


def preview(partnership, particulars: Mapping[str, object], clauses: Sequence[Mapping],
            title: Mapping) -> dict:
    """The clauses that use a particular, with the given particulars filled in, in each
    language: {"title": {lang: text}, "clauses": [(number, {lang: (title, body)})]}."""
    vals = values(partnership, particulars)
    shown = []
    for number, clause in enumerate(clauses, 1):
        if any(texts.variables_in(text) for text in clause["text"].values()):
            shown.append((number, {lang: rendered_clause(clause, vals[lang], lang)
                                   for lang in LANGUAGES}))
    return {"title": {lang: _filled(title[lang], vals[lang])[0] for lang in LANGUAGES},
            "clauses": shown}


SIGNING_LINE = re.compile(r"_{6,}\s*\{\{\s*(?:ua|kz)\.signatory\s*\}\}")


def signs_in_clauses(clauses: Sequence[Mapping]) -> bool:
    """Whether a version's clauses carry the signing lines themselves (template version 1):
    then the PDF's signature block stays as it was printed for them, without names."""
    return any(SIGNING_LINE.search(text) for clause in clauses
               for text in clause["text"].values())


# The place and date above the signatures: "м. Астана, «___» ______ 20___ року".
PLACE_FORMS = {"uk": "м. {place}", "kk": "{place} қ.", "en": "{place}"}
SIGNED_DATE_FORMATS = {"en": "d MMMM y", "uk": "d MMMM y 'року'", "kk": "y 'жылғы' d MMMM"}


def signing_place(vals: Mapping, lang: str, signed_on=None) -> str:
    """Where and when the memorandum is signed, in ``lang`` (the date blank until signed)."""
    from flask_babel import format_date

    place = PLACE_FORMS[lang].format(place=without_prefix(str(vals.get("place") or BLANK)))
    if signed_on is None:
        when = DATE_BLANK[lang]
    else:
        with force_locale(lang):
            when = format_date(signed_on, format=SIGNED_DATE_FORMATS[lang])
    return f"{place}, {when}"


def canonical_text(title: Mapping, clauses: Sequence[Mapping], vals: Mapping) -> bytes:
    """The version's text in one canonical serialisation: sorted keys, no spaces, UTF-8."""
    return json.dumps({"title": title, "clauses": list(clauses), "values": vals},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def text_hash(title: Mapping, clauses: Sequence[Mapping], vals: Mapping) -> str:
    """SHA-256 (hex) of the canonical text."""
    return hashlib.sha256(canonical_text(title, clauses, vals)).hexdigest()


# Shown above a stored clause whose title or text cannot be filled in (saved before the
# clause check refused malformed variables): its text as typed follows.
UNRENDERED = _l("This clause could not be filled in: a variable in it is malformed (check its "
                "braces). It is shown as it was saved.")


def _filled(text: str, vals: Mapping) -> tuple[Markup, bool]:
    """A stored text with its variables filled in, or, when it cannot render, as typed
    (escaped); and whether it rendered."""
    html = texts.render_or_none(text, vals)
    return (escape(text), False) if html is None else (html, True)


def rendered_title(version, lang: str) -> str:
    """The memorandum's title in ``lang`` with the parties' names (plain text, escaped)."""
    return _filled(version.variables["title"][lang], version.variables["values"][lang])[0]


def rendered_clause(clause: Mapping, vals: Mapping, lang: str) -> tuple[Markup, Markup]:
    """A clause's title and body in ``lang``, variables filled in, as safe HTML. A stored
    clause that cannot render is shown as typed, its body under a notice in ``lang``."""
    title, title_ok = _filled(clause["title"][lang], vals)
    body, body_ok = _filled(clause["text"][lang], vals)
    if not (title_ok and body_ok):
        with force_locale(lang):
            notice = str(UNRENDERED)
        body = Markup('<mark class="unrendered">%s</mark>') % notice + body
    return title, body


def rendered_clauses(version, lang: str) -> list[tuple[int, dict, Markup, Markup]]:
    """(number, clause, title, body) for each clause of a version, in ``lang``."""
    vals = version.variables["values"][lang]
    return [(number, clause, *rendered_clause(clause, vals, lang))
            for number, clause in enumerate(version.clauses, 1)]
