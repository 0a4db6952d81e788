"""Forms of the matching pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..organisations.validation import ROW_ID


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class ManualProposalForm(FlaskForm):
    need_id = IntegerField(_l("Need (number)"), validators=[
        DataRequired(), NumberRange(ROW_ID.minimum, ROW_ID.maximum, _l("Choose a need."))])
    # A number past any row would reach the database and end in an error there (SQLite).
    offer_id = SelectField(_l("Offer"), coerce=int, validate_choice=False, validators=[
        NumberRange(ROW_ID.minimum, ROW_ID.maximum, _l("Choose an offer."))])
    rationale = TextAreaField(_l("Why these two should work together"),
                              validators=[DataRequired(), Length(max=3000)])
