""""My work": the page every signed-in user lands on."""

from flask import Blueprint, render_template
from flask_babel import format_timedelta
from flask_login import current_user, login_required

from ..core.database import utcnow
from ..helpdesk.guides import guide_of
from . import entries  # noqa: F401 - registers the entries
from .registry import When, waiting_for

bp = Blueprint("work", __name__)


@bp.route("/my-work")
@login_required
def my_work():
    now = utcnow()
    return render_template("work/my_work.html", entries=waiting_for(current_user), When=When,
                           guide=guide_of(current_user),
                           age=lambda when: format_timedelta(now - when, threshold=1.1))
