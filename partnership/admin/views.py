"""The administrator's pages: users, roles, invitations and the audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import services as accounts
from ..core import confirm
from ..core.access import roles_required
from ..core.forms import ActionForm
from ..core.roles import ADMIN_ROLES
from ..core.services import attempt
from ..core.sorting import read_sort
from ..core.urls import int_param
from . import services
from .forms import UserCreateForm, UserEditForm

bp = Blueprint("admin", __name__)


def _page() -> int:
    return int_param("page", 1, minimum=1)


@bp.route("/users")
@roles_required(*ADMIN_ROLES)
def users():
    query = request.args.get("q", "")[:100]
    sort = read_sort(request.args, services.USER_SORTS, "email")
    pagination = services.list_users(current_user, _page(), query, sort)
    return render_template("admin/users.html", pagination=pagination, query=query, sort=sort)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def new_user():
    form = UserCreateForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: accounts.create_user(
            current_user, form.email.data, form.role.data, form.full_name.data,
            form.locale.data), form)
        if outcome.ok:
            user = outcome.value
            flash(_("The account has been created and the invitation sent to %(email)s.",
                    email=user.email), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


def _load_user(user_id: int):
    user = services.get_user(current_user, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def edit_user(user_id: int):
    user = _load_user(user_id)
    form = UserEditForm(obj=user)
    if request.method == "GET":
        form.role.data = str(user.role)
    if form.validate_on_submit():
        if user.active and not form.active.data and not confirm.is_confirmed():
            return confirm.ask(_("Deactivate the account of %(email)s? They can no longer sign "
                                 "in, their open sessions end at once, and they are no longer "
                                 "told of anything.", email=user.email),
                               _("Deactivate the account"))
        outcome = attempt(lambda: accounts.update_user(
            current_user, user, form.role.data, form.active.data, form.full_name.data))
        if outcome.ok:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_edit.html", user=user, form=form, action=ActionForm())


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
@roles_required(*ADMIN_ROLES)
def resend_invitation(user_id: int):
    user = _load_user(user_id)
    if ActionForm().validate_on_submit():
        outcome = attempt(lambda: accounts.resend_invitation(current_user, user))
        if outcome.ok:
            flash(_("A new invitation has been sent."), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/two-step-reset", methods=["POST"])
@roles_required(*ADMIN_ROLES)
def reset_second_factor(user_id: int):
    user = _load_user(user_id)
    if ActionForm().validate_on_submit():
        services.reset_second_factor(current_user, user)
        flash(_("Two-step sign-in has been reset. The person sets it up again at the next "
                "sign-in."), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/audit")
@roles_required(*ADMIN_ROLES)
def audit():
    action = request.args.get("action", "")[:80]
    sort = read_sort(request.args, services.AUDIT_SORTS, "time", descending=True)
    pagination = services.list_audit(current_user, _page(), action, sort)
    return render_template("admin/audit.html", pagination=pagination, action=action, sort=sort)
