"""Forms every area uses."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField
from wtforms.widgets import CheckboxInput, ListWidget


class ActionForm(FlaskForm):
    """A button that changes something (or confirms it): carries only the CSRF token."""

    submit = SubmitField()


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
