"""The embassy's pages: verification queue, decisions, agreed list, import and export."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..core.access import roles_required
from ..core.forms import ActionForm
from ..core.jobs import QUEUED
from ..core.language import current_language
from ..core.roles import EMBASSY_ROLES
from ..core.services import ServiceError, show_error
from ..core.sorting import read_sort
from ..core.urls import int_param
from . import exports, import_jobs, review, verification
from .forms import DecisionForm, ImportForm
from .models import ImportStatus, Status
from .validation import MAX_CELL_CHARS

bp = Blueprint("verification", __name__)
EMBASSY = EMBASSY_ROLES


@bp.route("/organisations")
@roles_required(*EMBASSY)
def queue():
    status = request.args.get("status", "pending")
    if status not in (*Status, ""):
        abort(404)
    page = int_param("page", 1, minimum=1)
    language = current_language()
    sort = read_sort(request.args, verification.queue_sorts(language), "registered")
    return render_template("embassy/queue.html", status=status, sort=sort,
                           counts=verification.queue_counts(current_user),
                           pagination=verification.list_for_embassy(
                               current_user, status, page, sort=sort, language=language))


@bp.route("/organisations/<int:organisation_id>")
@roles_required(*EMBASSY)
def organisation(organisation_id: int):
    found = verification.get_for_embassy(current_user, organisation_id)
    return _review_page(found, DecisionForm())


def _review_page(found, decision: DecisionForm, status: int = 200):
    """The officer's review of an organisation: the decision beside what to check first."""
    return render_template("embassy/organisation.html", organisation=found,
                           actions=verification.allowed_actions(found),
                           review=review.review_of(current_user, found),
                           decision=decision, action=ActionForm()), status


@bp.route("/organisations/<int:organisation_id>/decide/<action>", methods=["POST"])
@roles_required(*EMBASSY)
def decide(organisation_id: int, action: str):
    found = verification.get_for_embassy(current_user, organisation_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            verification.decide(current_user, found, action, form.reason.data or "")
        except ServiceError as error:
            show_error(None, error)
            return _review_page(found, form, 422)
        flash(_("The decision is recorded and the organisation's manager informed."), "success")
    return redirect(url_for("verification.organisation", organisation_id=found.id))


@bp.route("/organisations/<int:organisation_id>/agreed-list", methods=["POST"])
@roles_required(*EMBASSY)
def agreed_list(organisation_id: int):
    found = verification.get_for_embassy(current_user, organisation_id)
    if ActionForm().validate_on_submit():
        verification.set_agreed_list(current_user, found, request.form.get("on_list") == "1")
        flash(_("The agreed list is updated."), "success")
    return redirect(url_for("verification.organisation", organisation_id=found.id))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*EMBASSY)
def import_file():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        job = import_jobs.create_job(current_user, form.kind.data, upload.read(),
                                     upload.filename, form.dry_run.data, str(get_locale()))
        if import_jobs.run_or_queue(job) == QUEUED:
            flash(_("The file is large: it is being imported in the background. This page "
                    "shows its progress."), "info")
            return redirect(url_for("verification.import_status", job_id=job.id))
        job = import_jobs.get_job(current_user, job.id)
        if job.status == ImportStatus.SUCCEEDED and not job.dry_run:
            flash(_("Imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.",
                    created=job.created_count, updated=job.updated_count,
                    unchanged=job.unchanged_count), "success")
        return _import_page(form, job)
    return _import_page(form, None)


def _import_page(form: ImportForm, job):
    return render_template("embassy/import.html", form=form, job=job,
                           recent=import_jobs.recent_jobs(current_user),
                           max_cell_chars=MAX_CELL_CHARS)


@bp.route("/import/<int:job_id>")
@roles_required(*EMBASSY)
def import_status(job_id: int):
    job = import_jobs.get_job(current_user, job_id)
    return render_template("embassy/import_job.html", job=job)


@bp.route("/export/<what>.<fmt>")
@roles_required(*EMBASSY)
def export(what: str, fmt: str):
    if what not in ("organisations", "items") or fmt not in ("csv", "xlsx"):
        abort(404)
    rows = (exports.organisation_rows(current_user) if what == "organisations"
            else exports.item_rows(current_user))
    body, mimetype = exports.render(rows, fmt)
    filename = f"{what}-{exports.today_stamp()}.{fmt}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
