"""The bell, the list of notifications, their read marks, deep links and the preferences."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from ..core import unit_of_work
from ..core.access import NotVisible
from ..core.database import utcnow
from ..core.forms import ActionForm
from ..core.services import attempt
from ..core.urls import safe_next
from . import services, texts
from .forms import CHOSEN, MODE_LABELS, PreferencesForm
from .models import Category, Mode, Notification

bp = Blueprint("notifications", __name__)


def _own(notification_id: int) -> Notification:
    try:
        return services.get_own(current_user, notification_id)
    except NotVisible:
        abort(404)


@bp.route("/notifications")
@login_required
def index():
    page = request.args.get("page", 1, type=int)
    pagination = services.page_of(current_user, min(max(page, 1), 100000))
    return render_template("notifications/list.html", pagination=pagination,
                           texts=texts, form=ActionForm())


@bp.route("/notifications/<int:notification_id>/open", endpoint="open")
@login_required
def open_notification(notification_id: int):
    """Follow a notification's link (from the list or an e-mail). A GET, since e-mail links
    are; marking it read is the user's own bookkeeping, written apart like the session's
    touch, and the target still checks access as for anyone who opens it."""
    notification = _own(notification_id)
    if notification.read_at is None:
        with unit_of_work.apart() as session:
            session.execute(Notification.__table__.update().where(
                Notification.id == notification.id, Notification.read_at.is_(None)).values(
                read_at=utcnow()))
    return redirect(_target_url(notification))


def _target_url(notification: Notification) -> str:
    endpoint, args, path = services.target_of(notification)
    if endpoint:
        try:
            return url_for(endpoint, **args)
        except BuildError:
            return url_for("notifications.index")
    return safe_next(path, url_for("notifications.index"))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    _own(notification_id)
    services.mark_read(current_user, notification_id)
    return redirect(safe_next(request.form.get("next"), url_for("notifications.index")))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    services.mark_all_read(current_user)
    flash(_("All notifications are marked read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    form = PreferencesForm()
    if request.method == "GET":
        for category, mode in services.preferences_of(current_user).items():
            if category != Category.SECURITY:
                getattr(form, category.value).data = mode.value
    if form.validate_on_submit():
        modes = {c.value: getattr(form, c.value).data for c in CHOSEN}
        if attempt(lambda: services.set_preferences(current_user, modes), form).ok:
            flash(_("Your notification preferences are saved."), "success")
            return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, chosen=CHOSEN,
                           security_label=texts.category_label(Category.SECURITY),
                           always=MODE_LABELS[Mode.IMMEDIATELY])


def register(app) -> None:
    """The bell: every page's header asks for the signed-in user's unread count (one query,
    only when the header is drawn)."""

    @app.context_processor
    def bell():
        def unread_notifications() -> int:
            if not current_user.is_authenticated:
                return 0
            return services.unread_count(current_user)

        return {"unread_notifications": unread_notifications}
