"""The officer's choices for the cooperation package."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectMultipleField

from ..organisations import labels
from ..organisations.labels import SelectChoice
from ..organisations.taxonomy import regions_of


def _languages():
    return [SelectChoice("kk", _l("Kazakh")), SelectChoice("en", _l("English")),
            SelectChoice("uk", _l("Ukrainian"))]


def _ukrainian_regions():
    return [SelectChoice(region.code, labels.region_label(region.code))
            for region in regions_of("UA")]


class CatalogueForm(FlaskForm):
    areas = SelectMultipleField(_l("Areas (none chosen: all)"),
                                choices=lambda: labels.area_choices())
    regions = SelectMultipleField(_l("Regions (none chosen: all)"),
                                  choices=_ukrainian_regions)
    kinds = SelectMultipleField(_l("Kinds of institution (none chosen: all)"),
                                choices=lambda: labels.choices(labels.KINDS))
    agreed_list_only = BooleanField(_l("Only organisations on the agreed list"))
    russian_names = BooleanField(_l("Add the Russian names where the organisations gave them"))
    language = RadioField(_l("Language of the package"), choices=_languages, default="kk")
