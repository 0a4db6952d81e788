"""The dashboard's period (a GET form: reading figures changes nothing, so no CSRF token)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

REPORT_LANGUAGES = (("uk", "Українська"), ("kk", "Қазақша"), ("en", "English"))
REPORT_LANGUAGE_CODES = tuple(code for code, _name in REPORT_LANGUAGES)
LONGEST_PERIOD_DAYS = 3 * 366


def _within_years(field) -> None:
    if field.data and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Choose a date between 2000 and 2100."))


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("To"), validators=[Optional()])

    def validate_first(self, field):
        _within_years(field)

    def validate_last(self, field):
        _within_years(field)
        if self.first.data and field.data:
            if field.data < self.first.data:
                raise ValidationError(_l("The end of the period must not be before its start."))
            if (field.data - self.first.data).days > LONGEST_PERIOD_DAYS:
                raise ValidationError(_l("Choose a period of at most three years."))


class ReportForm(PeriodForm):
    language = SelectField(_l("Language of the report"), default="uk", choices=[
        SelectChoice(code, name) for code, name in REPORT_LANGUAGES])
