"""Forms of the administrator's user management."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from ..core.language import LANGUAGE_NAMES
from ..core.roles import ROLE_LABELS, Role


def role_choices():
    return [SelectChoice(role.value, ROLE_LABELS[role]) for role in Role]


def language_choices():
    return [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]


class UserCreateForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=role_choices, validators=[DataRequired()])
    locale = SelectField(_l("Language of e-mails"), choices=language_choices)
    submit = SubmitField(_l("Create and send the invitation"))


class UserEditForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=role_choices, validators=[DataRequired()])
    active = BooleanField(_l("Active (may sign in)"))
    submit = SubmitField(_l("Save"))
