"""Forms of the memorandum pages: shapes of input only; the services check the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from . import content
from .content import LANGUAGES, PER_LANGUAGE

LANGUAGE_NAMES = {"uk": _l("Ukrainian"), "kk": _l("Kazakh"), "en": _l("English")}
PARTICULAR_LABELS = {
    "ua.city": _l("City of the Ukrainian organisation"),
    "ua.signatory": _l("Signatory of the Ukrainian organisation"),
    "ua.position": _l("Position of the Ukrainian signatory"),
    "ua.coordinator": _l("Coordinator of the Ukrainian organisation (name, position)"),
    "kz.city": _l("City of the Kazakh organisation"),
    "kz.signatory": _l("Signatory of the Kazakh organisation"),
    "kz.position": _l("Position of the Kazakh signatory"),
    "kz.coordinator": _l("Coordinator of the Kazakh organisation (name, position)"),
    "areas": _l("Areas of cooperation"),
    "forms": _l("Forms of cooperation"),
    "place": _l("Place of signature"),
    "term_years": _l("Term in years"),
    "prevailing_language": _l("Prevailing language in case of divergence"),
}


# What each particular holds, under its row of the form.
PARTICULAR_HELP = {
    "ua.city": _l("The city's name only: the text adds “м.” / “қ.” itself."),
    "kz.city": _l("The city's name only: the text adds “м.” / “қ.” itself."),
    "place": _l("The city's name only: the text adds “м.” / “қ.” itself."),
    "ua.signatory": _l("Full name as it is written in each language."),
    "kz.signatory": _l("Full name as it is written in each language."),
    "ua.position": _l("In lower case in Ukrainian and Kazakh (“ректор”), as in a sentence."),
    "kz.position": _l("In lower case in Ukrainian and Kazakh (“директор”), as in a sentence."),
}
# Particulars long enough to need more than one line.
LONG_PARTICULARS = ("ua.coordinator", "kz.coordinator", "areas", "forms")
CITY_PARTICULARS = ("ua.city", "kz.city", "place")


def in_its_script(language: str):
    """A validator: the text of one language's column is written in that language's letters
    (no Cyrillic in the English column, no Kazakh letters in the Ukrainian one ...)."""
    def check(_form, field) -> None:
        if content.foreign_letters(language, field.data or ""):
            raise ValidationError(SCRIPT_MESSAGES[language])
    return check


SCRIPT_MESSAGES = {
    "uk": _l("This holds Kazakh letters: write the Ukrainian text here."),
    "kk": _l("This holds Ukrainian letters: write the Kazakh text here."),
    "en": _l("This holds Cyrillic letters: write the English text here."),
}


def field_name(name: str, language: str) -> str:
    """Form field of one particular in one language: ``ua.city`` + uk -> ``ua_city_uk``."""
    return f"{name.replace('.', '_')}_{language}"


class VersionForm(FlaskForm):
    """Every editing form carries the version it was based on (optimistic locking)."""

    base_version = HiddenField(validators=[InputRequired()])


class VersionedActionForm(VersionForm):
    """A button that acts on the version the person read."""


TEXT, ROWS = [DataRequired(), Length(max=20000)], {"rows": 10}


class ClauseForm(VersionForm):
    title_uk = StringField(_l("Title in Ukrainian"), validators=[DataRequired(), Length(max=300)])
    text_uk = TextAreaField(_l("Text in Ukrainian"), validators=TEXT, render_kw=ROWS)
    title_kk = StringField(_l("Title in Kazakh"), validators=[DataRequired(), Length(max=300)])
    text_kk = TextAreaField(_l("Text in Kazakh"), validators=TEXT, render_kw=ROWS)
    title_en = StringField(_l("Title in English"), validators=[DataRequired(), Length(max=300)])
    text_en = TextAreaField(_l("Text in English"), validators=TEXT, render_kw=ROWS)
    after = HiddenField()
    submit = SubmitField(_l("Save as a new version"))

    def titles(self) -> dict:
        return {lang: getattr(self, f"title_{lang}").data.strip() for lang in LANGUAGES}

    def texts(self) -> dict:
        return {lang: getattr(self, f"text_{lang}").data.replace("\r\n", "\n").strip()
                for lang in LANGUAGES}


class ConfirmForm(VersionForm):
    """"No change needed in this language" for one clause or particular; the page writes
    kind, key and language as hidden inputs of each button's own form."""

    kind = StringField(validators=[DataRequired(), Length(max=20)])
    key = StringField(validators=[DataRequired(), Length(max=80)])
    language = StringField(validators=[DataRequired(), Length(max=5)])
    back = StringField(validators=[Optional(), Length(max=20)])


class MoveForm(VersionForm):
    direction = HiddenField(validators=[DataRequired()])


def particulars_form_class():
    """The particulars form: each per-language particular in each language, then the term
    and the prevailing language."""
    fields = {}
    for name in PER_LANGUAGE:
        kind = TextAreaField if name in LONG_PARTICULARS else StringField
        for lang in LANGUAGES:
            fields[field_name(name, lang)] = kind(
                PARTICULAR_LABELS[name], validators=[Optional(), Length(max=500),
                                                     in_its_script(lang)],
                render_kw={"rows": 2} if kind is TextAreaField else {})
    fields["term_years"] = IntegerField(_l("Term in years"),
                                        validators=[InputRequired(), NumberRange(1, 25)],
                                        description=_l("The same in every language."))
    fields["prevailing_language"] = SelectField(
        _l("Prevailing language in case of divergence"),
        choices=[SelectChoice(code, label) for code, label in LANGUAGE_NAMES.items()],
        description=_l("The same in every language; each text names it in its own words."))
    fields["submit"] = SubmitField(_l("Save as a new version"))
    fields["preview"] = SubmitField(_l("Preview the text"))
    return type("ParticularsForm", (VersionForm,), fields)


def particulars_from(form) -> dict:
    found: dict[str, object] = {name: {lang: " ".join((form[field_name(name, lang)].data
                                                        or "").split())
                                       for lang in LANGUAGES} for name in PER_LANGUAGE}
    found["term_years"] = str(form.term_years.data)
    found["prevailing_language"] = form.prevailing_language.data
    return found


def particulars_form(particulars: dict | None = None):
    """The form filled from stored particulars (GET) or from the request (POST)."""
    cls = particulars_form_class()
    if particulars is None:
        return cls()
    data = {field_name(name, lang): particulars.get(name, {}).get(lang, "")
            for name in PER_LANGUAGE for lang in LANGUAGES}
    data["term_years"] = int(particulars["term_years"])
    data["prevailing_language"] = particulars["prevailing_language"]
    return cls(data=data)


class CommentForm(FlaskForm):
    clause_key = SelectField(_l("Clause"), choices=[], validate_choice=False)
    version_number = HiddenField()
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Add the comment"))


class SignForm(FlaskForm):
    signed_on = DateField(_l("Date of signature"), validators=[InputRequired()])
    place = StringField(_l("Place of signature"), validators=[DataRequired(), Length(max=200)])
    signatories = TextAreaField(_l("Signatories (name and position, one per line)"),
                                validators=[DataRequired(), Length(max=2000)])
    scan = FileField(_l("Signed scan (PDF, at most 10 MB)"), validators=[FileRequired()])
    submit = SubmitField(_l("Record the signature"))


class EndForm(FlaskForm):
    reason = TextAreaField(_l("Why the memorandum ends"),
                           validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Terminate the memorandum"))


class TemplateForm(FlaskForm):
    base_number = HiddenField(validators=[InputRequired()])
    note = StringField(_l("What changed (for the list of versions)"),
                       validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Save as a new template version"))


def template_form(clauses: list, title: dict, formdata=True):
    """The template editor: every clause's title and text in each language."""
    fields = {}
    for clause in clauses:
        for lang in LANGUAGES:
            fields[f"{clause['key']}__title__{lang}"] = StringField(
                validators=[DataRequired(), Length(max=300)])
            fields[f"{clause['key']}__text__{lang}"] = TextAreaField(
                validators=TEXT, render_kw=ROWS)
    cls = type("TemplateEditForm", (TemplateForm,), fields)
    if formdata:
        return cls()
    data = {}
    for clause in clauses:
        for lang in LANGUAGES:
            data[f"{clause['key']}__title__{lang}"] = clause["title"][lang]
            data[f"{clause['key']}__text__{lang}"] = clause["text"][lang]
    return cls(data=data)


def template_changes(form, clauses: list) -> tuple[dict, dict]:
    titles, texts = {}, {}
    for clause in clauses:
        key = clause["key"]
        titles[key] = {lang: form[f"{key}__title__{lang}"].data.strip() for lang in LANGUAGES}
        texts[key] = {lang: form[f"{key}__text__{lang}"].data.replace("\r\n", "\n").strip()
                      for lang in LANGUAGES}
    return titles, texts
