"""Forms of the matching pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class ManualProposalForm(FlaskForm):
    need_id = IntegerField(_l("Need (number)"), validators=[DataRequired()])
    offer_id = SelectField(_l("Offer"), coerce=int, validate_choice=False)
    rationale = TextAreaField(_l("Why these two should work together"),
                              validators=[DataRequired(), Length(max=3000)])
