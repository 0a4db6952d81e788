"""Help pages for every role, the contact form, and the embassy's inbox of its messages."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.access import roles_required
from ..core.forms import ActionForm
from ..core.language import current_language
from ..core.roles import EMBASSY_ROLES
from ..core.services import ServiceError, show_error
from ..core.urls import int_param
from ..extensions import limiter
from . import services
from .forms import ContactForm
from .guides import GUIDE_BY_SLUG, GUIDES, guide_of

bp = Blueprint("helpdesk", __name__)

@bp.route("/help")
def index():
    return render_template("helpdesk/index.html", guides=GUIDES, mine=guide_of(current_user))


@bp.route("/help/<guide>")
def guide(guide: str):
    found = GUIDE_BY_SLUG.get(guide)
    if found is None:
        abort(404)
    return render_template("helpdesk/guide.html", guide=found, guides=GUIDES)


def _contact_limit() -> str:
    return current_app.config["RATE_LIMIT_CONTACT"]


@bp.route("/contact", methods=["GET", "POST"])
@limiter.limit(_contact_limit, methods=["POST"])
def contact():
    form = ContactForm()
    if not form.is_submitted() and current_user.is_authenticated:
        form.name.data = current_user.full_name
        form.email.data = current_user.email
    if form.validate_on_submit():
        try:
            services.send_message(current_user if current_user.is_authenticated else None,
                                  form.name.data, form.email.data, form.subject.data,
                                  form.body.data, current_language())
        except ServiceError as error:
            show_error(form, error)
        else:
            return redirect(url_for("helpdesk.contact_sent"))
    return render_template("helpdesk/contact.html", form=form), 422 if form.errors else 200


@bp.route("/contact/sent")
def contact_sent():
    return render_template("helpdesk/contact_sent.html")


@bp.route("/embassy/messages")
@roles_required(*EMBASSY_ROLES)
def inbox():
    answered = int_param("answered", 0, minimum=0) == 1
    return render_template("helpdesk/inbox.html", answered=answered,
                           pagination=services.messages_for_embassy(
                               current_user, answered, int_param("page", 1, minimum=1)))


@bp.route("/embassy/messages/<int:message_id>")
@roles_required(*EMBASSY_ROLES)
def message(message_id: int):
    found = services.message_for_embassy(current_user, message_id)
    return render_template("helpdesk/message.html", message=found, form=ActionForm(),
                           can_mark=services.can_mark_answered(current_user, found))


@bp.route("/embassy/messages/<int:message_id>/answered", methods=["POST"])
@roles_required(*EMBASSY_ROLES)
def mark_answered(message_id: int):
    found = services.message_for_embassy(current_user, message_id)
    if ActionForm().validate_on_submit():
        try:
            services.mark_answered(current_user, found)
        except ServiceError as error:
            flash(str(error), "error")
        else:
            flash(_("The message is marked answered."), "success")
            return redirect(url_for("helpdesk.inbox"))
    return redirect(url_for("helpdesk.message", message_id=found.id))
