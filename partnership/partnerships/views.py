"""The partnership page: parties, originating matches, objectives, status and history."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..core.access import roles_required
from ..core.services import attempt
from ..matching.labels import PARTNERSHIP_STATUSES
from ..organisations.access import EMBASSY_ROLES
from . import services, workflow
from .forms import ObjectivesForm, StatusForm

bp = Blueprint("partnerships", __name__)


def _status_form(partnership) -> StatusForm:
    form = StatusForm()
    form.status.choices = [SelectChoice(str(s), PARTNERSHIP_STATUSES[str(s)])
                           for s in workflow.TRANSITIONS[partnership.status]]
    return form


@bp.route("/partnerships/<int:partnership_id>")
@login_required
def page(partnership_id: int):
    from ..memoranda import approvals as memorandum_approvals
    from ..memoranda import services as memoranda
    from ..memoranda.forms import ButtonForm

    partnership = services.get_partnership(current_user, partnership_id)
    found = memoranda.memoranda_of(partnership)
    return render_template(
        "partnerships/page.html", partnership=partnership,
        objectives=ObjectivesForm(objectives=partnership.objectives),
        can_edit=services.can_edit_objectives(current_user, partnership),
        status_form=_status_form(partnership), memoranda=found,
        memorandum_approvals=(memorandum_approvals.current_approvals(found[0])
                              if found else {}),
        memorandum_versions=memoranda.latest(found[0]).number if found else 0,
        memorandum_form=ButtonForm())


@bp.route("/partnerships/<int:partnership_id>/objectives", methods=["POST"])
@login_required
def objectives(partnership_id: int):
    partnership = services.get_partnership(current_user, partnership_id)
    form = ObjectivesForm()
    if form.validate_on_submit():
        services.update_objectives(current_user, partnership, form.objectives.data or "")
        flash(_("The objectives are saved."), "success")
    return redirect(url_for("partnerships.page", partnership_id=partnership.id))


@bp.route("/partnerships/<int:partnership_id>/status", methods=["POST"])
@roles_required(*EMBASSY_ROLES)
def status(partnership_id: int):
    partnership = services.get_partnership(current_user, partnership_id)
    form = _status_form(partnership)
    if form.validate_on_submit():
        outcome = attempt(lambda: services.change_status(
            current_user, partnership, form.status.data, form.note.data or ""))
        if outcome.ok:
            flash(_("The status is changed."), "success")
    return redirect(url_for("partnerships.page", partnership_id=partnership.id))


@bp.route("/embassy/partnerships")
@roles_required(*EMBASSY_ROLES)
def embassy_list():
    return render_template("partnerships/list.html",
                           partnerships=services.partnerships_of(current_user),
                           counts=services.counts(current_user))
