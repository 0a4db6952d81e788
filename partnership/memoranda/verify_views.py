"""The public verification page's upload: is this PDF exactly the agreed version the platform
issued, a validly sealed copy, or neither? Also lists the signers of any digital signatures.

Public and anonymous, so it is rate-limited, size-limited (``MAX_UPLOAD_BYTES``), checked for
the PDF signature and CSRF-protected; nothing is stored and nothing is written but the limit.
"""

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from ..core.services import ServiceError, show_error
from ..extensions import limiter
from . import issued
from .blueprint import bp


class VerifyUploadForm(FlaskForm):
    document = FileField(_l("PDF to check (at most 10 MB)"), validators=[FileRequired()])


def _limit() -> str:
    return current_app.config["RATE_LIMIT_VERIFY_UPLOAD"]


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def verify_upload():
    form = VerifyUploadForm()
    verdict = None
    if form.validate_on_submit():
        try:
            data = issued.read_upload(form.document.data.stream)
        except ServiceError as error:
            form.document.data.close()
            show_error(form, error)
        else:
            form.document.data.close()  # a large upload is spooled to a temporary file
            verdict = issued.verify_upload(data)
    status = 422 if form.errors else 200
    return render_template("memoranda/verify_upload.html", form=form, verdict=verdict,
                           Answer=issued.Answer), status
