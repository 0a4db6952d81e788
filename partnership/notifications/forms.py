"""The preferences form: one choice per category (security is shown, not chosen)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice

from .models import Category, Mode
from .texts import CATEGORY_LABELS

MODE_LABELS = {
    Mode.IMMEDIATELY: _l("E-mail immediately"),
    Mode.DIGEST: _l("Daily digest"),
    Mode.OFF: _l("No e-mail (in the app only)"),
}
CHOSEN = [c for c in Category if c != Category.SECURITY]


class PreferencesForm(FlaskForm):
    submit = SubmitField(_l("Save preferences"))


for _category in CHOSEN:
    setattr(PreferencesForm, _category.value, RadioField(
        CATEGORY_LABELS[_category], choices=[SelectChoice(m.value, MODE_LABELS[m]) for m in Mode],
        default=Mode.IMMEDIATELY.value))
