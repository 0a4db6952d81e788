"""Forms of the programme pages: shape of input only; the services check the rules."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..auth.passwords import MAX_LENGTH
from ..core.forms import MultiCheckboxField
from ..organisations import labels as org_labels
from ..organisations.labels import region_label
from ..organisations.taxonomy import regions_of
from . import labels


def ukrainian_regions() -> list[SelectChoice]:
    # No region is chosen for the coordinator: a default would be recorded unnoticed.
    return [SelectChoice("", _l("Choose a region")),
            *(SelectChoice(r.code, region_label(r.code)) for r in regions_of("UA"))]


class CaseForm(FlaskForm):
    """The referral form: case data, then the identity record (encrypted)."""

    birth_year = IntegerField(_l("Year of birth"), validators=[DataRequired(),
                                                               NumberRange(min=2000, max=2100)])
    sex = SelectField(_l("Sex"), choices=lambda: org_labels.choices(labels.SEXES))
    region = SelectField(_l("Region of origin"), choices=ukrainian_regions,
                         validators=[DataRequired()])
    circumstances = SelectField(_l("Circumstances"),
                                choices=lambda: org_labels.choices(labels.CIRCUMSTANCES))
    representative_type = SelectField(
        _l("Legal representative"), choices=lambda: org_labels.choices(labels.REPRESENTATIVES))
    needs = TextAreaField(_l("Needs"), validators=[Optional(), Length(max=3000)],
                          description=_l("Support the child needs. The centre sees this text: "
                                         "do not write names here."))
    languages = MultiCheckboxField(_l("Languages the child speaks"),
                                   choices=lambda: org_labels.choices(org_labels.LANGUAGES),
                                   validators=[DataRequired()])
    accompanying_adult_relation = StringField(
        _l("Accompanying adult: relationship to the child"),
        validators=[Optional(), Length(max=80)],
        description=_l("For example: grandmother, programme volunteer. The centre sees this "
                       "text: do not write names here."))
    # The identity record.
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)],
                             description=_l("The given name only: the centre sees it."))
    surname = StringField(_l("Surname"), validators=[DataRequired(), Length(max=100)])
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    documents = TextAreaField(_l("Documents (type and number)"),
                              validators=[Optional(), Length(max=500)])
    address = TextAreaField(lazy_pgettext("home", "Address"),
                            validators=[Optional(), Length(max=500)])
    representative_name = StringField(_l("Legal representative's name"),
                                      validators=[Optional(), Length(max=200)])
    representative_contacts = StringField(_l("Legal representative's contacts"),
                                          validators=[Optional(), Length(max=300)])
    accompanying_adult_given_name = StringField(
        _l("Accompanying adult: given name"), validators=[Optional(), Length(max=100)],
        description=_l("Needed before the child can travel. The centre sees the given name, "
                       "the surname's initial and the relationship."))
    accompanying_adult_surname = StringField(_l("Accompanying adult: surname"),
                                             validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Save the case"))


IDENTITY_FIELDS = ("first_name", "surname", "date_of_birth", "documents", "address",
                   "representative_name", "representative_contacts",
                   "accompanying_adult_given_name", "accompanying_adult_surname")


def without_identity(form: CaseForm) -> CaseForm:
    """The case-data part only: for a case whose identity record retention has erased."""
    for name in IDENTITY_FIELDS:
        delattr(form, name)
    return form


class AdultReviewForm(FlaskForm):
    """The coordinator splits an accompanying adult's name kept as one free text."""

    given_name = StringField(_l("Accompanying adult: given name"),
                             validators=[DataRequired(), Length(max=100)])
    surname = StringField(_l("Accompanying adult: surname"),
                          validators=[DataRequired(), Length(max=100)])
    save = SubmitField(_l("Save the name"))


class ConsentForm(FlaskForm):
    relationship_to_child = StringField(
        _l("Who gave the consent: relationship to the child"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("For example: grandmother (guardian). The name is kept in the "
                       "identity record."))
    participation = BooleanField(_l("Participation in the programme"))
    travel = BooleanField(_l("Travel to Kazakhstan"))
    sharing_with_centre = BooleanField(_l("Sharing the minimum data with the centre"))
    photos = BooleanField(_l("Photos"))
    given_on = DateField(_l("Date of the consent"), validators=[DataRequired()])
    valid_until = DateField(
        _l("Valid until (optional)"), validators=[Optional()],
        description=_l("The last day the consent holds, if it says so. Once expired, it "
                       "counts as no consent."))
    child_assent = BooleanField(_l("The child agrees too (assent)"))
    document = FileField(_l("Signed consent (PDF, JPEG or PNG, up to 10 MB)"))
    submit = SubmitField(_l("Record the consent"))

    def validate_valid_until(self, field):
        if field.data and self.given_on.data and field.data <= self.given_on.data:
            raise ValidationError(_l("The consent must be valid until a date after the date "
                                     "it was given."))


class StateForm(FlaskForm):
    """The next-step buttons: each submits its target state, with the note."""

    state = SelectField(_l("Next step"), choices=[])
    note = TextAreaField(_l("Note for the timeline (optional)"),
                         validators=[Optional(), Length(max=2000)],
                         description=_l("Do not write names here."))


class PlacementForm(FlaskForm):
    group_id = SelectField(_l("Group"), coerce=int, choices=[])
    submit = SubmitField(_l("Place the child"))


class EnrolForm(FlaskForm):
    organisation_id = SelectField(_l("Verified Kazakh organisation"), coerce=int, choices=[])
    submit = SubmitField(_l("Enrol as a centre"))


class GroupForm(FlaskForm):
    name = StringField(_l("Name of the group"), validators=[DataRequired(), Length(max=120)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
    capacity = IntegerField(_l("Places"), validators=[DataRequired(), NumberRange(min=1,
                                                                                  max=500)])
    language = SelectField(_l("Language of the group"),
                           choices=lambda: org_labels.choices(org_labels.LANGUAGES))
    focus = SelectField(_l("Focus"), choices=lambda: org_labels.choices(labels.FOCUSES))
    accompanying_staff = TextAreaField(_l("Accompanying staff"),
                                       validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save the group"))


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Progress note"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Add the note"))


class FollowUpForm(FlaskForm):
    note = TextAreaField(_l("What the follow-up found"), validators=[Optional(),
                                                                      Length(max=3000)])
    submit = SubmitField(_l("Mark as done"))


class ReauthenticateForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(),
                                                              Length(max=MAX_LENGTH)])
    submit = SubmitField(_l("Download the case list"))
