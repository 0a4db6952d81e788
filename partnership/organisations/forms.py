"""Organisation forms: registration, profile, colleagues, offers and needs, embassy decisions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    ValidationError,
)

from ..auth.passwords import MAX_LENGTH
from ..core.forms import MultiCheckboxField
from ..core.roles import Role
from . import labels, rules, validation
from .validation import (
    BEDS,
    CITY_LENGTH,
    CONTACT_NAME_LENGTH,
    EMAIL_LENGTH,
    ITEM_DESCRIPTION_LENGTH,
    NAME_LENGTH,
    ORGANISATION_DESCRIPTION_LENGTH,
    PHONE_LENGTH,
    QUANTITY,
    STAFF,
    WEBSITE_LENGTH,
)


class Within:
    """The form's check of a whole number: the import's rule, with its limits and words."""

    def __init__(self, bounds: validation.Bounds):
        self.bounds = bounds
        self.min, self.max = bounds.minimum, bounds.maximum
        self.field_flags = {"min": self.min, "max": self.max}  # the input's min and max

    def __call__(self, _form, field) -> None:
        message = rules.number_problem(self.bounds, field.data)
        if message:
            raise ValidationError(message)


def longest(length: int) -> Length:
    """The form's check of a text's length, with the import's message."""
    return Length(max=length, message=rules.TOO_LONG)


class WholeNumberField(IntegerField):
    """A whole number; what is not one is refused with the import's words."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0])
        except ValueError as error:
            self.data = None
            raise ValueError(str(rules.NOT_WHOLE_NUMBER) % {"value": valuelist[0][:40]}) \
                from error


def web_address(_form, field) -> None:
    """Only http(s) addresses: the same check as the import's."""
    if field.data and not validation.is_web_url(field.data):
        raise ValidationError(validation.WEBSITE_MESSAGE)


class ProfileForm(FlaskForm):
    # The choices are offered as lists; what is accepted is checked by ``rules``, the same
    # functions the import calls (hence validate_choice=False: one message, not two).
    kind = SelectField(_l("Kind of organisation"), choices=lambda: labels.choices(labels.KINDS),
                       validate_choice=False, validators=[rules.validator(rules.kind_problem)])
    name_uk = StringField(_l("Name in Ukrainian"), validators=[Optional(), longest(NAME_LENGTH)])
    name_kk = StringField(_l("Name in Kazakh"), validators=[Optional(), longest(NAME_LENGTH)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), longest(NAME_LENGTH)])
    # Fills the blank names with a transliteration of the official one, to be checked.
    suggest = SubmitField(_l("Suggest the other names"))
    name_ru = StringField(_l("Name in Russian (optional)"),
                          validators=[Optional(), longest(NAME_LENGTH)])
    region = SelectField(_l("Region"), choices=labels.region_field_choices, validate_choice=False,
                         description=_l("A region of the organisation's country."))
    city = StringField(_l("City or town"), validators=[
        DataRequired(message=rules.CITY_REQUIRED), longest(CITY_LENGTH)],
        description=_l("Choose from the list or type the name."),
        render_kw={"list": "profile-cities", "autocomplete": "off"})
    languages = MultiCheckboxField(_l("Working languages"),
                                   choices=lambda: labels.choices(labels.LANGUAGES),
                                   validate_choice=False,
                                   validators=[rules.validator(rules.languages_problem)])
    beds = WholeNumberField(_l("Beds (optional)"), validators=[Optional(), Within(BEDS)])
    staff = WholeNumberField(_l("Staff (optional)"), validators=[Optional(), Within(STAFF)])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), longest(ORGANISATION_DESCRIPTION_LENGTH)],
        description=_l("What the organisation does, its strengths and what it is proud of."))
    contact_name = StringField(_l("Contact person"), validators=[
        DataRequired(message=rules.CONTACT_NAME_REQUIRED), longest(CONTACT_NAME_LENGTH)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[
        rules.validator(rules.email_problem), longest(EMAIL_LENGTH)],
        description=_l("Partners write to this address. A shared one, for example "
                       "partners@your-hospital.ua, keeps working when people change jobs."),
        render_kw={"autocomplete": "email"})
    contact_phone = StringField(_l("Contact phone (optional)"),
                                validators=[Optional(), longest(PHONE_LENGTH)],
                                description=_l("With the country code, for example "
                                               "+380 44 123 45 67 or +7 727 123 45 67."),
                                render_kw={"autocomplete": "tel", "inputmode": "tel"})
    website = URLField(_l("Website (optional)"), validators=[
        Optional(), longest(WEBSITE_LENGTH), web_address],
        description=_l("The full address, for example https://www.your-hospital.ua."),
        render_kw={"autocomplete": "url"})
    open_to_cooperation = BooleanField(_l("Open to new partnerships"), default=True)
    public_listing = BooleanField(
        _l("Show the organisation in the public directory"),
        description=_l("Contact details are shown only to signed-in members of verified "
                       "organisations and to the embassy."))

    # The fields in the order the page shows them (the error summary lists them so).
    page_order = ("kind", "name_uk", "name_kk", "name_en", "name_ru", "region", "city",
                  "languages", "beds", "staff", "description", "website", "contact_name",
                  "contact_email", "contact_phone", "open_to_cooperation", "public_listing")

    def offer_regions_of(self, country: str) -> None:
        """Offer only the regions of the organisation's country (its country is fixed)."""
        self.region.choices = labels.region_field_choices(country)

    def suggest_names(self, country: str) -> list[str]:
        """Fill the blank uk/kk/en names with suggestions from the official one; the names
        of the fields filled (shown "suggested — please check")."""
        from .transliteration import suggested_names

        names = {language: getattr(self, f"name_{language}").data or ""
                 for language in ("uk", "kk", "en")}
        filled = []
        for language, value in suggested_names(country, names).items():
            getattr(self, f"name_{language}").data = value
            filled.append(f"name_{language}")
        return filled

    def profile(self) -> dict:
        """The profile values as the services take them."""
        from .services import PROFILE_FIELDS

        return {name: getattr(self, name).data for name in PROFILE_FIELDS}


class RegistrationForm(ProfileForm):
    country = RadioField(_l("Country"), choices=lambda: labels.choices(labels.COUNTRIES),
                         validate_choice=False,
                         validators=[DataRequired(message=rules.COUNTRY_MESSAGE),
                                     rules.validator(rules.country_problem)])
    registry_code = StringField(
        _l("Registry code"), validators=[DataRequired(message=rules.REGISTRY_CODE_REQUIRED),
                                         longest(20)],
        description=_l("Ukraine: the EDRPOU code, 8 digits, for example 12345678. Kazakhstan: "
                       "the BIN, 12 digits, for example 123456789012. Spaces and dashes are "
                       "ignored."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    manager_name = StringField(_l("Your full name"), validators=[
        DataRequired(message=_l("Enter your full name.")), Length(max=200)],
        render_kw={"autocomplete": "name"})
    manager_email = EmailField(
        _l("Your e-mail"), validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            Email(message=_l("Enter an e-mail address in the right form, like "
                             "name@example.com.")), Length(max=254)],
        description=_l("You will sign in with it; we send a link to confirm it."),
        render_kw={"autocomplete": "email"})
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Enter a password.")),
                                    Length(max=MAX_LENGTH)],
        description=_l("At least 12 characters. A few unrelated words make a strong, "
                       "memorable password."), render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(message=_l("Enter the password again.")),
        EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Register"))

    page_order = ("country", "registry_code", *ProfileForm.page_order, "manager_name",
                  "manager_email", "password", "confirm")


class EditProfileForm(ProfileForm):
    submit = SubmitField(_l("Save the profile"))


class InviteColleagueForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=lambda: [
        labels.SelectChoice(Role.ORG_MEMBER.value, _l("Member: sees the organisation's pages")),
        labels.SelectChoice(Role.ORG_MANAGER.value, _l("Manager: also edits and decides"))])
    submit = SubmitField(_l("Send the invitation"))


class ItemForm(FlaskForm):
    # As in the profile: the lists are offered here, what is accepted is checked by ``rules``.
    area = SelectField(_l("Area"), choices=labels.area_choices, validate_choice=False,
                       validators=[rules.validator(rules.area_problem)])
    dimension = SelectField(_l("Dimension"), choices=lambda: labels.choices(labels.DIMENSIONS),
                            validate_choice=False,
                            validators=[rules.validator(rules.dimension_problem)])
    form = SelectField(_l("Form of cooperation"), choices=lambda: labels.choices(labels.FORMS),
                       validate_choice=False, validators=[rules.validator(rules.form_problem)])
    description = TextAreaField(_l("Description"), validators=[
        DataRequired(message=rules.DESCRIPTION_REQUIRED), longest(ITEM_DESCRIPTION_LENGTH)],
                                description=_l("What exactly, for whom, how and when."))
    quantity = WholeNumberField(_l("Capacity or quantity (optional)"),
                                validators=[Optional(), Within(QUANTITY)],
                                description=_l("Places, trainees, units: a number."))
    splittable = BooleanField(_l("Can be split: several partners may each take a part"),
                              description=_l("For example, a group of 20 trainees that may go "
                                             "in groups of four."))
    urgency = SelectField(_l("Urgency"), choices=lambda: labels.choices(labels.URGENCIES),
                          default="medium", validate_choice=False,
                          validators=[rules.validator(rules.urgency_problem)])
    languages = MultiCheckboxField(_l("Languages"), choices=lambda: labels.choices(
        labels.LANGUAGES), validate_choice=False,
        validators=[rules.validator(rules.languages_problem)])
    valid_until = DateField(_l("Valid until"), validators=[Optional()],
                            description=_l("Twelve months from today if left empty."))
    submit = SubmitField(_l("Save"))

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "area", "dimension", "form", "description", "quantity", "urgency", "languages",
            "valid_until", "splittable")}


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason (sent to the organisation's manager)"),
                           validators=[Optional(), Length(max=2000)])


class ImportForm(FlaskForm):
    kind = RadioField(_l("What the file holds"), choices=lambda: [
        labels.SelectChoice("organisations", _l("Organisations")),
        labels.SelectChoice("items", _l("Offers and needs"))], default="organisations")
    file = FileField(_l("CSV or XLSX file"), validators=[
        FileRequired(), FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))])
    dry_run = BooleanField(_l("Only check the file; write nothing"), default=True)
    submit = SubmitField(_l("Check and import"))
