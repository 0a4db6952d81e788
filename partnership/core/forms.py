"""Forms every area uses."""

from flask_wtf import FlaskForm
from wtforms import SubmitField


class ActionForm(FlaskForm):
    """A button that changes something (or confirms it): carries only the CSRF token."""

    submit = SubmitField()
