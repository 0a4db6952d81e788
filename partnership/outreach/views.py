"""The embassy's cooperation package pages: choose, follow the progress, download."""

from io import BytesIO

from flask import Blueprint, redirect, render_template, send_file, url_for
from flask_login import current_user

from ..core.access import roles_required
from ..core.roles import EMBASSY_ROLES
from ..core.services import ServiceError, show_error
from . import catalogue, services
from .forms import CatalogueForm
from .models import CatalogueStatus

bp = Blueprint("outreach", __name__)


@bp.app_context_processor
def _enums() -> dict:
    return {"CatalogueStatus": CatalogueStatus}


@bp.route("/embassy/cooperation-package", methods=["GET", "POST"])
@roles_required(*EMBASSY_ROLES)
def package():
    form = CatalogueForm()
    if form.validate_on_submit():
        filters = catalogue.Filters.clean(form.areas.data or (), form.regions.data or (),
                                          form.kinds.data or (), form.agreed_list_only.data,
                                          form.russian_names.data)
        try:
            job = services.request_package(current_user, filters, form.language.data)
        except ServiceError as error:
            show_error(form, error)
        else:
            services.run_or_queue(job)
            return redirect(url_for("outreach.job", job_id=job.id))
    return render_template("outreach/package.html", form=form,
                           recent=services.recent_jobs(current_user)), \
        422 if form.errors else 200


@bp.route("/embassy/cooperation-package/<int:job_id>")
@roles_required(*EMBASSY_ROLES)
def job(job_id: int):
    found = services.get_job(current_user, job_id)  # NotVisible: 404
    return render_template("outreach/job.html", job=found,
                           filters=catalogue.Filters.from_dict(found.filters))


@bp.route("/embassy/cooperation-package/<int:job_id>/<kind>")
@roles_required(*EMBASSY_ROLES)
def download(job_id: int, kind: str):
    found = services.get_job(current_user, job_id)  # NotVisible: 404
    data, name, media_type = services.file_of(current_user, found, kind)
    response = send_file(BytesIO(data), mimetype=media_type, as_attachment=True,
                         download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
