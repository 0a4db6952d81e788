"""The rules of an organisation's profile and of its offers and needs, written once.

Registration, the profile edit, the item forms (through their validators and services) and the
bulk import all call these functions, so a value one of them refuses the others refuse too, with
the same words. Each check returns the message of the rule broken, or None.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from . import registry, validation
from .models import WORKING_LANGUAGES, Country, Dimension, Form, Kind, Urgency
from .taxonomy import areas, regions

TOO_LONG = _l("The text is longer than %(max)d characters.")
NOT_WHOLE_NUMBER = _l("“%(value)s” is not a whole number.")
COUNTRY_MESSAGE = _l("Choose Ukraine or Kazakhstan.")
REGISTRY_CODE_REQUIRED = _l("Enter the registry code.")
CITY_REQUIRED = _l("The city is required.")
CONTACT_NAME_REQUIRED = _l("Name the contact person.")
DESCRIPTION_REQUIRED = _l("Describe what is offered or needed.")
# Kinds that only Kazakh organisations take part as; Ukrainian ones are institutions.
KAZAKH_ONLY_KINDS = frozenset({Kind.BUSINESS, Kind.CHARITY})


@dataclass(frozen=True)
class Problem:
    """One rule broken: the field it concerns and what to tell the person."""

    field: str
    message: str


Check = Callable[[object], str | None]


def validator(check: Check):
    """A WTForms validator that refuses what ``check`` refuses, with its message."""
    def validate(_form, field) -> None:
        message = check(field.data)
        if message:
            raise ValidationError(message)
    return validate


def country_problem(country: str | None) -> str | None:
    """Only Ukrainian and Kazakh organisations take part."""
    return None if (country or "") in {c.value for c in Country} else str(COUNTRY_MESSAGE)


def registry_code_problem(country: str, code: str) -> str | None:
    """The (normalised) code must be the country's: an EDRPOU or a BIN with its check digit."""
    code = registry.normalise(code)
    if not code:
        return str(REGISTRY_CODE_REQUIRED)
    if registry.is_valid(country, code):
        return None
    # Say exactly what is wrong: the characters, the length (or the other country's code),
    # the parts of a BIN, the check digit.
    if not code.isdigit():
        return _("A registry code has digits only; “%(code)s” has other characters.",
                 code=code[:20])
    if country not in {c.value for c in Country}:
        # No country chosen yet (the country field says so): judge the code by its length.
        if len(code) not in (8, 12):
            return _("A registry code has 8 digits (EDRPOU) or 12 digits (BIN); this one has "
                     "%(count)d.", count=len(code))
        if registry.is_valid("UA", code) or registry.is_valid("KZ", code):
            return None
        country = Country.UA if len(code) == 8 else Country.KZ
    if country == Country.UA:
        if len(code) == 12:
            return _("This looks like a Kazakh BIN (12 digits), but the country is Ukraine: an "
                     "EDRPOU code has 8 digits.")
        if len(code) != 8:
            return _("An EDRPOU code has 8 digits; this one has %(count)d.", count=len(code))
        return _("The last digit of this EDRPOU code is not its valid check digit: one of the "
                 "digits is mistyped.")
    if len(code) == 8:
        return _("A BIN has 12 digits; this looks like a Ukrainian EDRPOU code (8 digits), but "
                 "the country is Kazakhstan.")
    if len(code) != 12:
        return _("A BIN has 12 digits; this one has %(count)d.", count=len(code))
    if not 1 <= int(code[2:4]) <= 12:
        return _("Digits 3 and 4 of a BIN are the month of registration (01 to 12); here they "
                 "are %(digits)s.", digits=code[2:4])
    if code[4] not in "456":
        return _("The fifth digit of an organisation's BIN is 4, 5 or 6; here it is "
                 "%(digit)s.", digit=code[4])
    if registry.bin_check_digit(code[:11]) is None:
        return _("No BIN can begin with these eleven digits: one of them is mistyped.")
    return _("The last digit of this BIN is not its valid check digit: one of the digits is "
             "mistyped.")


def kind_problem(kind: str | None) -> str | None:
    """The kind is one of the list."""
    return None if (kind or "") in {k.value for k in Kind} else _(
        "Choose a kind of organisation from the list.")


def kind_for_country_problem(country: str, kind: str) -> str | None:
    """Businesses and charities take part as Kazakh organisations only."""
    if country == Country.UA and kind in KAZAKH_ONLY_KINDS:
        return _("Businesses and charities taking part are Kazakh; Ukrainian institutions "
                 "register as the medical institution they are.")
    return None


def native_name_field(country: str) -> str:
    """The name every organisation gives in its own country's language."""
    return "name_uk" if country == Country.UA else "name_kk"


def region_problem(country: str, region: str | None) -> str | None:
    """The region is one of the country's."""
    if not (region or "").strip():
        return _("Choose the organisation's region.")
    found = regions().get(region.lower())
    if found is None or found.country != country:
        return _("Choose a region of the organisation's country.")
    return None


def city_problem(city: str | None) -> str | None:
    return None if (city or "").strip() else str(CITY_REQUIRED)


def contact_name_problem(name: str | None) -> str | None:
    return None if (name or "").strip() else str(CONTACT_NAME_REQUIRED)


def email_problem(address: str | None) -> str | None:
    """A contact address: given, and shaped like an e-mail address."""
    if not (address or "").strip():
        return _("Give the contact e-mail address.")
    try:
        validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError:
        return _("This is not an e-mail address.")
    return None


def languages_problem(codes: Iterable[str] | None) -> str | None:
    """At least one language, each one of the platform's working languages."""
    codes = list(codes or ())
    if not codes:
        return _("Choose at least one language.")
    if any(code not in WORKING_LANGUAGES for code in codes):
        return _("Use language codes from: %(allowed)s.", allowed=", ".join(WORKING_LANGUAGES))
    return None


def profile_problems(country: str, profile: Mapping) -> list[Problem]:
    """The rules that join fields: region and kind of the country, the name in its language."""
    problems = []
    message = region_problem(country, profile.get("region"))
    if message:
        problems.append(Problem("region", message))
    native = native_name_field(country)
    if not (profile.get(native) or "").strip():
        problems.append(Problem(native, _("The name in the country's own language is "
                                          "required.")))
    message = kind_problem(profile.get("kind")) or kind_for_country_problem(
        country, profile.get("kind"))
    if message:
        problems.append(Problem("kind", message))
    return problems


def area_problem(area: str | None) -> str | None:
    return None if (area or "") in areas() else _("Choose an area from the list.")


def dimension_problem(dimension: str | None) -> str | None:
    return None if (dimension or "") in {d.value for d in Dimension} else _(
        "Choose a dimension from the list.")


def form_problem(form: str | None) -> str | None:
    return None if (form or "") in {f.value for f in Form} else _(
        "Choose a form of cooperation from the list.")


def urgency_problem(urgency: str | None) -> str | None:
    """Empty (medium is taken) or one of the list."""
    if not urgency or urgency in {u.value for u in Urgency}:
        return None
    return _("Choose an urgency from the list.")


def number_problem(bounds: validation.Bounds, number: int | None) -> str | None:
    """An optional whole number within the field's limits."""
    if number is None or number in bounds:
        return None
    return str(validation.NUMBER_MESSAGE) % {"min": bounds.minimum, "max": bounds.maximum}


def quantity_problem(quantity: int | None) -> str | None:
    return number_problem(validation.QUANTITY, quantity)


def description_problem(description: str | None) -> str | None:
    return None if (description or "").strip() else str(DESCRIPTION_REQUIRED)


def valid_until_problem(day: date | None, today: date | None = None) -> str | None:
    if day is not None and day < (today or date.today()):
        return _("The date must not be in the past.")
    return None


def item_problems(values: Mapping) -> list[Problem]:
    """Every rule an offer's or a need's values break, field by field."""
    checks = (("area", area_problem), ("dimension", dimension_problem), ("form", form_problem),
              ("description", description_problem), ("quantity", quantity_problem),
              ("urgency", urgency_problem),
              ("languages", languages_problem), ("valid_until", valid_until_problem))
    return [Problem(name, message) for name, check in checks
            if (message := check(values.get(name))) is not None]


LANGUAGE_SEPARATORS = re.compile(r"[\s,;]+")


def language_codes(text: str) -> list[str]:
    """The codes written in one cell, as the import reads them."""
    return [code for code in LANGUAGE_SEPARATORS.split(text.lower()) if code]
