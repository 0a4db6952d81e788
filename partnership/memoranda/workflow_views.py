"""Memorandum workflow pages: review, approvals, signature and scan, termination and
supersession, PDF downloads, and the public verification page."""

from io import BytesIO

from flask import abort, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.access import NotVisible, roles_required
from ..core.forms import ActionForm
from ..core.language import current_language
from ..core.roles import EMBASSY_ROLES, Role
from ..core.services import ServiceError, attempt, show_error
from ..core.urls import int_param
from ..extensions import db
from . import approvals, content, issued, printing, services
from .blueprint import base_version, bp, page_redirect
from .forms import EndForm, SignForm, VersionedActionForm
from .models import MemorandumState


@bp.route("/memoranda/<int:memorandum_id>/submit", methods=["POST"])
@login_required
def submit(memorandum_id: int):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    if (ActionForm().validate_on_submit()
            and attempt(lambda: approvals.submit_for_review(current_user, memorandum)).ok):
        flash(_("The memorandum is in review: each side and the embassy can approve it."),
              "success")
    return page_redirect(memorandum)


@bp.route("/memoranda/<int:memorandum_id>/return", methods=["POST"])
@login_required
def return_to_draft(memorandum_id: int):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    if (ActionForm().validate_on_submit()
            and attempt(lambda: approvals.return_to_draft(current_user, memorandum)).ok):
        flash(_("The memorandum is a draft again."), "success")
    return page_redirect(memorandum)


@bp.route("/memoranda/<int:memorandum_id>/approve", methods=["POST"])
@login_required
def approve(memorandum_id: int):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    form = VersionedActionForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: approvals.approve(current_user, memorandum, base_version(form)))
        if outcome.ok:
            db.session.refresh(memorandum)
            flash(_("All three approvals are in: the memorandum is agreed and its text is "
                    "frozen.") if memorandum.state == MemorandumState.AGREED else
                  _("Your approval is recorded."), "success")
    return page_redirect(memorandum)


@bp.route("/memoranda/<int:memorandum_id>/sign", methods=["GET", "POST"])
@roles_required(Role.EMBASSY_OFFICER)
def sign(memorandum_id: int):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    try:  # a stale link or a second tab: the memorandum is not (or no longer) to be signed
        approvals.require_signable(current_user, memorandum)
    except ServiceError as error:
        flash(error.message, "error")
        return page_redirect(memorandum)
    form = SignForm()
    if form.validate_on_submit():
        # The stored scan is deleted again if the unit of work does not commit.
        try:
            approvals.sign(current_user, memorandum, signed_on=form.signed_on.data,
                           place=form.place.data, signatories=form.signatories.data,
                           scan=form.scan.data.stream)
        except ServiceError as error:
            show_error(form, error)
        else:
            flash(_("The signature is recorded and the signed scan is kept."), "success")
            names = issued.scan_signers(memorandum)
            if names:
                flash(_("The scan carries digital signatures by: %(names)s. Whether they are "
                        "qualified is not checked.", names="; ".join(names)), "info")
            return page_redirect(memorandum)
    return render_template("memoranda/sign.html", memorandum=memorandum, form=form)


@bp.route("/memoranda/<int:memorandum_id>/scan")
@login_required
def scan(memorandum_id: int):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    scan_file = approvals.scan_file(current_user, memorandum)  # the read is audited, apart
    return _attachment(scan_file, f"memorandum-{memorandum.partnership.reference}-signed.pdf")


@bp.route("/memoranda/<int:memorandum_id>/terminate", methods=["POST"])
@roles_required(*EMBASSY_ROLES)
def terminate(memorandum_id: int):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    form = EndForm()
    if form.validate_on_submit():
        if attempt(lambda: approvals.terminate(current_user, memorandum, form.reason.data)).ok:
            flash(_("The memorandum is terminated."), "success")
    else:
        flash(_("Say why the memorandum ends."), "error")
    return page_redirect(memorandum)


@bp.route("/memoranda/<int:memorandum_id>/supersede", methods=["POST"])
@roles_required(*EMBASSY_ROLES)
def supersede(memorandum_id: int):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    if ActionForm().validate_on_submit():
        outcome = attempt(lambda: approvals.supersede(current_user, memorandum))
        if outcome.ok:
            flash(_("A new draft starts from this text; this memorandum is superseded."),
                  "success")
            return page_redirect(outcome.value)
    return page_redirect(memorandum)


@bp.route("/memoranda/<int:memorandum_id>/pdf")
@login_required
def download(memorandum_id: int):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    number = int_param("version") or services.latest(memorandum).number
    version = services.version(memorandum, number)
    try:
        languages = printing.parse_languages(request.args.get("languages"))
    except ServiceError as error:
        flash(error.message, "error")
        return page_redirect(memorandum)
    data, _cached = printing.pdf_bytes(current_user, memorandum, version, languages)
    return _attachment(data, printing.file_name(memorandum, version, languages))


@bp.route("/memoranda/<int:memorandum_id>/preview")
@login_required
def preview(memorandum_id: int):
    """The whole version as HTML in the PDF's layout (its template and stylesheet), for
    everyone who may read the memorandum."""
    from .labels import LANGUAGE_SETS
    from .pdf import memorandum_html

    memorandum = services.get_memorandum(current_user, memorandum_id)
    number = int_param("version") or services.latest(memorandum).number
    version = services.version(memorandum, number)
    try:
        languages = printing.parse_languages(request.args.get("languages"))
    except ServiceError as error:
        flash(error.message, "error")
        return page_redirect(memorandum)
    chosen = "-".join(languages)
    names = {"uk": _("Ukrainian"), "kk": _("Kazakh"), "en": _("English")}
    bar = {
        "language": str(current_language()), "label": _("Preview"),
        "back": url_for("memoranda.page", memorandum_id=memorandum.id, version=number),
        "back_label": _("Back to the memorandum"),
        "note": _("Preview of version %(number)d as it prints", number=number),
        "languages": chosen,
        "language_sets": [(choice, url_for("memoranda.preview", memorandum_id=memorandum.id,
                                           version=number, languages=choice),
                           " | ".join(names[code] for code in choice.split("-")))
                          for choice in LANGUAGE_SETS],
        "download": url_for("memoranda.download", memorandum_id=memorandum.id,
                            version=number, languages=chosen),
        "download_label": _("Download the PDF")}
    return memorandum_html(printing.printed(memorandum, version, languages), preview=bar)


def _attachment(data, name: str):
    """A PDF download: ``data`` is bytes or a file object (read in pieces as it is sent)."""
    response = send_file(BytesIO(data) if isinstance(data, bytes) else data,
                         mimetype="application/pdf", as_attachment=True, download_name=name,
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/verify/<code>")
def verify(code: str):
    """Public: confirms an agreed memorandum's parties, version, state, date and hash."""
    try:
        memorandum = printing.by_code(code)
    except NotVisible:
        abort(404)
    version = services.version(memorandum, memorandum.agreed_number)
    return render_template("memoranda/verify.html", memorandum=memorandum, version=version,
                           partnership=memorandum.partnership,
                           short_hash=memorandum.text_hash[:content.SHORT_HASH],
                           length=content.SHORT_HASH)


@bp.route("/memoranda/<int:memorandum_id>/end")
@roles_required(*EMBASSY_ROLES)
def end_form(memorandum_id: int):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    return render_template("memoranda/end.html", memorandum=memorandum, form=EndForm(),
                           button_form=ActionForm(),
                           may=approvals.permissions_of(current_user, memorandum),
                           back=url_for("memoranda.page", memorandum_id=memorandum.id))
