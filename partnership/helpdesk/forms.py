"""The contact form: shape of input only (the service checks nothing more)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from .models import BODY_MAX, EMAIL_MAX, NAME_MAX, SUBJECT_MAX


class ContactForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[
        DataRequired(_l("Tell us your name.")), Length(max=NAME_MAX)])
    email = EmailField(_l("Your e-mail address"), validators=[
        DataRequired(_l("Give an e-mail address we can answer to.")),
        Email(_l("This is not an e-mail address.")), Length(max=EMAIL_MAX)],
        description=_l("The embassy answers to this address."))
    subject = StringField(_l("Subject"), validators=[
        DataRequired(_l("Give the message a subject.")), Length(max=SUBJECT_MAX)])
    body = TextAreaField(_l("Message"), validators=[
        DataRequired(_l("Write your message.")), Length(max=BODY_MAX)],
        description=_l("Do not send children's names or documents here: the programme's "
                       "coordinators ask for them in a safe way."))
