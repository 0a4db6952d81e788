"""Words shown for the stored codes, in the reader's language."""

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice  # noqa: F401 - re-exported for forms

from ..core.language import current_language, in_language
from . import cities
from .models import Direction, ImportStatus, ItemStatus, Status
from .taxonomy import areas, groups, regions

COUNTRIES = {"UA": _l("Ukraine"), "KZ": _l("Kazakhstan")}
KINDS = {
    "hospital": _l("Hospital"),
    "childrens_hospital": _l("Children's hospital"),
    "rehabilitation_centre": _l("Rehabilitation centre"),
    "clinic": _l("Clinic or polyclinic"),
    "university": _l("Medical university or research institute"),
    "emergency_service": _l("Emergency medical service"),
    "business": _l("Business"),
    "charity": _l("Charity or foundation"),
}
STATUSES = {"pending": _l("Waiting for verification"), "verified": _l("Verified"),
            "rejected": _l("Rejected"), "suspended": _l("Suspended"),
            "changes_requested": _l("Returned for changes")}
DIRECTIONS = {"offer": _l("Offer"), "need": _l("Need")}
DIMENSIONS = {"technological": _l("Technological"), "professional": _l("Professional"),
              "scientific": _l("Scientific"), "administrative": _l("Administrative")}
FORMS = {
    "training": _l("Training or internship"),
    "staff_exchange": _l("Staff exchange"),
    "teleconsultation": _l("Tele-consultation"),
    "joint_research": _l("Joint research"),
    "management_mentoring": _l("Management mentoring"),
    "equipment_supplies": _l("Equipment or supplies"),
    "reconstruction": _l("Reconstruction"),
    "rehabilitation_placement": _l("Patient rehabilitation placement"),
    "patient_placement": _l("Treatment of patients at the partner's hospital"),
    "funding": _l("Funding"),
}
URGENCIES = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High"),
             "critical": _l("Critical")}
LANGUAGES = {"uk": _l("Ukrainian"), "kk": _l("Kazakh"), "ru": _l("Russian"),
             "en": _l("English")}
OCCUPATION = {"occupied": _l("temporarily occupied territory"),
              "partly": _l("partly occupied")}


def words_of(mapping: dict):
    """A label function for ``mapping`` (code -> lazy string): the code's words in the reader's
    language as a plain string, or the code itself when unknown. The words are read from the
    catalogue once per language; a lazy string instead finds its catalogue each time it is
    shown (about 25 µs), and a proposals page shows a few hundred."""
    @in_language
    def words(_language: str) -> dict[str, str]:
        return {code: str(label) for code, label in mapping.items()}

    def label(code):
        return words().get(str(code), code)

    return label


@in_language
def _region_labels(language: str) -> dict[str, str]:
    labels = {}
    for code, region in regions().items():
        label = region.label(language)
        if region.occupation:
            label = f"{label} ({OCCUPATION[region.occupation]})"
        labels[code] = label
    return labels


@in_language
def _area_labels(language: str) -> dict[str, str]:
    return {code: area.label(language) for code, area in areas().items()}


@in_language
def _region_choices(_language: str) -> dict[str | None, tuple[SelectChoice, ...]]:
    labels = _region_labels()
    every = [(region.country, SelectChoice(code, labels[code],
                                           optgroup=str(COUNTRIES[region.country]),
                                           render_kw={"data-country": region.country}))
             for code, region in regions().items()]
    return {country: tuple(choice for of, choice in every if country in (None, of))
            for country in (None, *COUNTRIES)}


@in_language
def _area_choices(language: str) -> tuple[SelectChoice, ...]:
    group_labels = {code: labels.get(language) or labels["en"]
                    for code, labels in groups().items()}
    return tuple(SelectChoice(code, area.label(language), optgroup=group_labels[area.group])
                 for code, area in areas().items())


def region_label(code: str) -> str:
    return _region_labels().get(code, code)


def area_label(code: str) -> str:
    return _area_labels().get(code, code)


def city_of(organisation) -> str:
    """The organisation's city in the reader's language when it is a listed city (a Kazakh
    reader sees «Николаев», not «Миколаїв»), else as it was typed."""
    city = cities.find(organisation.city, organisation.region)
    return city.name(current_language()) if city is not None else organisation.city


def choices(mapping: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in mapping.items()]


def region_choices(country: str | None = None) -> list[SelectChoice]:
    """Regions grouped by country (only ``country``'s when given), occupied ones marked. Each
    option names its country (``data-country``) for the script that offers only the chosen
    country's regions."""
    return list(_region_choices().get(country, ()))


def region_field_choices(country: str | None = None) -> list[SelectChoice]:
    """A profile's region list: an empty choice first, so no region is chosen for anyone."""
    return [SelectChoice("", _l("Choose a region")), *region_choices(country)]


def area_choices() -> list[SelectChoice]:
    """Areas grouped as in the taxonomy."""
    return list(_area_choices())


def register(app) -> None:
    """Make the labels available to templates."""
    app.jinja_env.globals.update(
        country_label=words_of(COUNTRIES),
        kind_label=words_of(KINDS),
        org_status_label=words_of(STATUSES),
        direction_label=words_of(DIRECTIONS),
        dimension_label=words_of(DIMENSIONS),
        form_label=words_of(FORMS),
        urgency_label=words_of(URGENCIES),
        language_label=words_of(LANGUAGES),
        region_label=region_label,
        city_label=lambda city: city.name(current_language()),
        city_of=city_of,
        area_label=area_label,
        org_name=lambda organisation: organisation.name(current_language()),
        region_choices=region_choices,
        area_choices=area_choices,
        kind_labels=KINDS,
        # Templates compare with the enums, never with a state's spelling.
        OrgStatus=Status, ItemStatus=ItemStatus, Direction=Direction, ImportStatus=ImportStatus,
    )
