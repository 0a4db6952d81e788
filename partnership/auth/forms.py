"""Sign-in and account forms: the shape of input only; rules live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from .passwords import MAX_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text",
                                  "autofocus": True})
    submit = SubmitField(_l("Continue"))


class EnrolForm(FlaskForm):
    code = StringField(_l("Six-digit code from the app"),
                       validators=[DataRequired(), Length(min=6, max=7)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Turn on two-step sign-in"))


def _current_password():
    return PasswordField(_l("Current password"),
                         validators=[DataRequired(), Length(max=MAX_LENGTH)],
                         render_kw={"autocomplete": "current-password"})


class AccountEnrolForm(EnrolForm):
    """Setting up the second factor from the account page asks for the password again."""

    current_password = _current_password()


class RecoveryCodesForm(FlaskForm):
    """New recovery codes void the old ones, so they too need the password again."""

    current_password = _current_password()
    submit = SubmitField(_l("Make new recovery codes"))


class NewPasswordMixin:
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("At least 12 characters. A few unrelated words make a strong, "
                       "memorable password. Any language and any characters are welcome."),
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"})


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField(_l("Save the new password"))


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    full_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)],
                            render_kw={"autocomplete": "name"})
    submit = SubmitField(_l("Create my account"))


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = _current_password()
    submit = SubmitField(_l("Change password"))

    page_order = ("current_password", "password", "confirm")  # for the error summary
