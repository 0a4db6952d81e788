"""Reasons and scores in words, in the reader's language."""

import functools

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.language import current_language
from ..organisations import labels
from . import explaining
from .models import MatchStatus
from .rules import score_word

SCORE_WORDS = {"strong": _l("Strong match"), "good": _l("Good match"),
               "possible": _l("Possible match")}
MATCH_STATUSES = {
    "proposed": _l("Proposed"), "interest_need": _l("The side with the need is interested"),
    "interest_offer": _l("The side with the offer is interested"),
    "mutually_accepted": _l("Both sides are interested"), "vetted": _l("Vetted by the embassy"),
    "declined": _l("Declined"), "withdrawn": _l("Withdrawn"), "expired": _l("Expired"),
    "hidden": _l("Hidden by the embassy"),
}


def _languages(codes) -> str:
    return ", ".join(str(labels.LANGUAGES.get(code, code)) for code in codes)


def _item(details: dict, prefix: str) -> str:
    """“training in burns care”: an item named by its form and area."""
    return _("%(form)s in %(area)s",
             form=str(labels.FORMS.get(details[f"{prefix}_form"], details[f"{prefix}_form"])),
             area=labels.area_label(details[f"{prefix}_area"]))


def describe(reason) -> str:
    """One reason (code, details) as a sentence in the reader's language. The same few hundred
    reasons recur on every proposals page, so each is put into words once per language (the
    catalogues do not change while the process runs; reasons are tuples)."""
    return _described(current_language(), reason)


@functools.lru_cache(maxsize=8192)
def _described(_language: str, reason) -> str:
    code, details = reason[0], dict(reason[1])
    area, form, dim = labels.area_label, labels.FORMS.get, labels.DIMENSIONS.get
    texts = {
        "area_same": lambda: _("Same area: %(area)s", area=area(details["area"])),
        "area_related": lambda: _("Related areas: %(need)s and %(offer)s",
                                  need=area(details["need_area"]),
                                  offer=area(details["offer_area"])),
        "area_not_same": lambda: _("Not exactly the same area"),
        "area_unrelated": lambda: _("The areas are not related"),
        "form_same": lambda: _("Same form of cooperation: %(form)s",
                               form=form(details["form"], details["form"])),
        "form_compatible": lambda: _("%(offer)s can serve a need for %(need)s",
                                     offer=form(details["offer_form"], ""),
                                     need=form(details["need_form"], "")),
        "form_other": lambda: _("Different forms of cooperation"),
        # Either side reads the card: the sentence names the sides, not "you" and "they".
        "reciprocity": lambda: _("Mutual benefit in the same area: in return for %(offer)s, "
                                 "the side with the need offers %(back)s, which the other "
                                 "side needs",
                                 offer=_item(details, "offer"), back=_item(details, "back"))
        if "back_area" in details else _("Mutual benefit: each side also needs something the "
                                         "other offers in the same area"),
        "reciprocity_related": lambda: _("Mutual benefit in a related area: in return for "
                                         "%(offer)s, the side with the need offers %(back)s, "
                                         "which the other side needs",
                                         offer=_item(details, "offer"),
                                         back=_item(details, "back"))
        if "back_area" in details else _("Mutual benefit: each side also needs something the "
                                         "other offers in a related area"),
        "no_reciprocity": lambda: _("Not mutual yet: the other side needs nothing this side "
                                    "offers"),
        "language_shared": lambda: _("Shared working language: %(languages)s",
                                     languages=_languages(details["languages"])),
        "language_organisations": lambda: _("The organisations share %(languages)s",
                                            languages=_languages(details["languages"])),
        "language_items": lambda: _("The two items are in different languages"),
        "no_shared_language": lambda: _("No shared working language: an interpreter is "
                                        "needed"),
        "text_similar": lambda: _("The descriptions say similar things"),
        "text_different": lambda: _("The descriptions say different things"),
        "dimension_same": lambda: _("Same dimension: %(dimension)s",
                                    dimension=dim(details["dimension"], "")),
        "dimension_other": lambda: _("Different dimensions: %(need)s and %(offer)s",
                                     need=dim(details["need_dimension"], ""),
                                     offer=dim(details["offer_dimension"], "")),
        "capacity_unknown": lambda: _("Capacity or quantity not given"),
        "capacity_covers": lambda: _("Capacity %(capacity)d covers the %(quantity)d needed",
                                     capacity=details["capacity"],
                                     quantity=details["quantity"]),
        "capacity_short": lambda: _("Capacity %(capacity)d is less than the %(quantity)d "
                                    "needed, and the need cannot be split",
                                    capacity=details["capacity"],
                                    quantity=details["quantity"]),
        "capacity_part": lambda: _("Capacity %(capacity)d covers part of the %(quantity)d "
                                   "needed; the need can be split",
                                   capacity=details["capacity"],
                                   quantity=details["quantity"]),
        "urgent": lambda: _("Urgent need: %(urgency)s",
                            urgency=labels.URGENCIES.get(details["urgency"], "")),
        "kind_fits": lambda: _("%(kind)s: a natural partner in this area",
                               kind=labels.KINDS.get(details["kind"], "")),
    }
    return texts[code]() if code in texts else code


_score_words = labels.words_of(SCORE_WORDS)


def register(app) -> None:
    app.jinja_env.globals.update(
        describe_reason=describe,
        match_explanation=explaining.explanation,
        MatchStatus=MatchStatus,
        score_label=lambda score: _score_words(score_word(score)),
        match_status_label=labels.words_of(MATCH_STATUSES),
    )
