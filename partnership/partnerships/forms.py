"""Forms of the partnership page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional


class ObjectivesForm(FlaskForm):
    objectives = TextAreaField(_l("Objectives"), validators=[Optional(), Length(max=5000)],
                               description=_l("What the two organisations want to achieve "
                                              "together, and by when."))
    submit = SubmitField(_l("Save the objectives"))


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=[])
    note = TextAreaField(_l("Note for the history"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Change the status"))
