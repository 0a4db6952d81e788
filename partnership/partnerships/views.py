"""The partnership page: parties, originating matches, objectives, status and history."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..core import confirm, hooks
from ..core.access import roles_required
from ..core.forms import ActionForm
from ..core.language import current_language
from ..core.roles import EMBASSY_ROLES
from ..core.services import attempt
from ..core.sorting import read_sort
from ..core.urls import int_param
from ..matching import decisions
from ..organisations.views import MANAGE_SECTIONS
from . import labels, services, workflow
from .forms import ObjectivesForm, StatusForm
from .labels import PARTNERSHIP_STATUSES
from .models import PartnershipStatus

bp = Blueprint("partnerships", __name__)

# hooks.gather(PAGE_SECTIONS, partnership): the parts areas above add to the partnership page
# (the memoranda), as template variables.
PAGE_SECTIONS = "partnership.page"


@bp.record_once
def _register(state) -> None:
    labels.register(state.app)
    hooks.add(state.app, MANAGE_SECTIONS, "partnerships", _organisation_section)


def _organisation_section(organisation) -> dict:
    """An organisation's own page lists its partnerships."""
    return {"partnerships": services.partnerships_of(current_user, organisation.id)}


def _status_form(partnership) -> StatusForm:
    form = StatusForm()
    form.status.choices = [SelectChoice(str(s), PARTNERSHIP_STATUSES[str(s)])
                           for s in workflow.TRANSITIONS[partnership.status]]
    return form


@bp.route("/partnerships/<int:partnership_id>")
@login_required
def page(partnership_id: int):
    partnership = services.get_partnership(current_user, partnership_id)
    return render_template(
        "partnerships/page.html", partnership=partnership,
        objectives=ObjectivesForm(objectives=partnership.objectives),
        can_edit=services.can_edit_objectives(current_user, partnership),
        can_change_status=services.can_change_status(current_user, partnership),
        status_form=_status_form(partnership),
        **hooks.gather(PAGE_SECTIONS, partnership))


@bp.route("/partnerships/<int:partnership_id>/objectives", methods=["POST"])
@login_required
def objectives(partnership_id: int):
    partnership = services.get_partnership(current_user, partnership_id)
    form = ObjectivesForm()
    if form.validate_on_submit():
        services.update_objectives(current_user, partnership, form.objectives.data or "")
        flash(_("The objectives are saved."), "success")
    return redirect(url_for("partnerships.page", partnership_id=partnership.id))


def _ending_question(status: str, reference: str) -> tuple[str, str] | None:
    """What the status form asks before a status with no way back (completed, terminated),
    and its button; None for the others."""
    if status == PartnershipStatus.COMPLETED:
        return (_("Mark the partnership %(reference)s as completed? This cannot be undone: the "
                  "partnership and its memorandum stay readable, but its status can no longer "
                  "be changed.", reference=reference), _("Yes, mark it as completed"))
    if status == PartnershipStatus.TERMINATED:
        return (_("Terminate the partnership %(reference)s? This cannot be undone: the "
                  "partnership and its memorandum stay readable, but its status can no longer "
                  "be changed.", reference=reference), _("Yes, terminate it"))
    return None


@bp.route("/partnerships/<int:partnership_id>/status", methods=["POST"])
@roles_required(*EMBASSY_ROLES)
def status(partnership_id: int):
    partnership = services.get_partnership(current_user, partnership_id)
    form = _status_form(partnership)
    if form.validate_on_submit():
        question = _ending_question(form.status.data, partnership.reference)
        if question and not confirm.is_confirmed():
            return confirm.ask(*question)
        outcome = attempt(lambda: services.change_status(
            current_user, partnership, form.status.data, form.note.data or ""))
        if outcome.ok:
            flash(_("The status is changed."), "success")
    return redirect(url_for("partnerships.page", partnership_id=partnership.id))


@bp.route("/embassy/partnerships")
@roles_required(*EMBASSY_ROLES)
def embassy_list():
    sort = read_sort(request.args, services.SORT_COLUMNS, "updated", descending=True)
    pagination = services.embassy_page(current_user, int_param("page", 1, minimum=1), sort,
                                       current_language())
    return render_template("partnerships/list.html", pagination=pagination, sort=sort,
                           counts=services.counts(current_user))


@bp.route("/embassy/matches/<int:match_id>/vet", methods=["POST"])
@roles_required(*EMBASSY_ROLES)
def vet_match(match_id: int):
    match = decisions.get_match(current_user, match_id)
    if ActionForm().validate_on_submit():
        outcome = attempt(lambda: services.vet_match(current_user, match))
        if outcome.ok:
            partnership = outcome.value
            flash(_("Vetted. The partnership %(reference)s is open.",
                    reference=partnership.reference), "success")
            return redirect(url_for("partnerships.page", partnership_id=partnership.id))
    return redirect(url_for("matching.detail", match_id=match.id))
