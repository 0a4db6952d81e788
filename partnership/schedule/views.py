"""The administrator's page of scheduled jobs: each line of the schedule and its latest runs."""

from flask import Blueprint, render_template

from ..core import scheduled_runs
from ..core.access import roles_required
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
    return render_template("schedule/jobs.html", lines=lines, RunOutcome=RunOutcome)
