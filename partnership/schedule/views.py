"""The administrator's page of scheduled jobs: each line of the schedule and its latest runs,
and the background jobs that failed every attempt (to run again or remove)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from redis.exceptions import RedisError

from ..core import jobs as background
from ..core import scheduled_runs
from ..core.access import roles_required
from ..core.audit import record
from ..core.forms import ActionForm
from ..core.roles import ADMIN_ROLES
from ..core.scheduled_runs import RunOutcome
from .table import SCHEDULE, describe

bp = Blueprint("schedule", __name__)


@bp.route("/admin/scheduled-jobs")
@roles_required(*ADMIN_ROLES)
def jobs():
    runs = scheduled_runs.latest_by_job()
    lines = [{"name": job.name, "when": describe(job), **runs.get(job.name, {})}
             for job in SCHEDULE]
    return render_template("schedule/jobs.html", lines=lines, RunOutcome=RunOutcome,
                           failed=background.failed_jobs(), form=ActionForm())


@bp.route("/admin/failed-jobs/<job_id>/run-again", methods=["POST"])
@roles_required(*ADMIN_ROLES)
def run_again(job_id: str):
    return _act(job_id, background.run_failed_again, "job.run_again",
                _("The job is queued again."))


@bp.route("/admin/failed-jobs/<job_id>/remove", methods=["POST"])
@roles_required(*ADMIN_ROLES)
def remove(job_id: str):
    return _act(job_id, background.remove_failed, "job.removed", _("The failed job is removed."))


def _act(job_id: str, action, audit_action: str, done: str):
    if ActionForm().validate_on_submit():
        try:
            found = action(job_id[:100])
        except RedisError:
            flash(_("The job queue does not answer; please try again in a minute."), "error")
        else:
            if found:
                record(audit_action, current_user, object_type="job", object_id=job_id[:100])
                flash(done, "success")
            else:
                flash(_("This job is no longer among the failed ones."), "error")
    return redirect(url_for("schedule.jobs", _anchor="failed-jobs"))
