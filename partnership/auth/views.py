"""Sign-in, second factor, log-out, password reset, invitations and the account page."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..core import unit_of_work
from ..core.services import ServiceError, attempt, show_error
from ..core.urls import safe_next
from ..extensions import limiter
from . import services, totp
from .forms import (
    AcceptInvitationForm,
    AccountEnrolForm,
    ChangePasswordForm,
    EnrolForm,
    LoginForm,
    RecoveryCodesForm,
    ResetPasswordForm,
    ResetRequestForm,
    SecondFactorForm,
)
from .models import PendingSignIn, TokenPurpose, User

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["RATE_LIMIT_LOGIN"]


def _reset_limit() -> str:
    return current_app.config["RATE_LIMIT_RESET"]


def _reauth_limit() -> str:
    return current_app.config["RATE_LIMIT_REAUTH"]


def _reauth_key() -> str:
    """Per signed-in user (per address for anyone else, who is sent to sign in anyway)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return request.remote_addr or ""


# The forms that ask for the password again share one budget per user.
_reauth = limiter.shared_limit(_reauth_limit, scope="account-reauthentication",
                               key_func=_reauth_key, methods=["POST"])


# Where a sign-in lands unless a safe ``next`` was given: "My work" (the work package, above
# this one, registers the page; it is named, not imported).
LANDING = "work.my_work"


# --- signing in ------------------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(LANDING))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        outcome = services.check_password_login(form.email.data, form.password.data,
                                                request.remote_addr)
        if outcome.ok:
            return _after_password(outcome.user, form.next.data)
        # The failure and its audit event are kept: the unit of work commits them.
        if outcome.locked:
            flash(_("Too many failed attempts. Sign-in for this account is paused for "
                    "15 minutes. You can reset your password meanwhile."), "error")
        else:
            flash(_("The e-mail or the password is not right."), "error")
    return render_template("auth/login.html", form=form)


def _after_password(user: User, next_url: str):
    if not services.requires_second_factor(user):
        return _finish_login(user, next_url)
    # The cookie keeps only a random token: who is signing in stays on the server.
    session["pending_login"] = services.start_pending_sign_in(user, safe_next(next_url, ""))
    return redirect(url_for("auth.second_factor" if user.has_totp else "auth.enrol_at_login"))


def _pending() -> PendingSignIn | None:
    pending = services.find_pending_sign_in(session.get("pending_login"))
    if pending is None and "pending_login" in session:
        session.pop("pending_login")  # expired, used, or from before the server kept it
    return pending


def _finish_login(user: User, next_url: str, recovery_codes: list[str] | None = None,
                  pending: PendingSignIn | None = None):
    try:
        services.complete_login(user, pending)
    except ServiceError:
        unit_of_work.abandon()  # another request finished this sign-in first
        return _expired_pending()
    session.pop("pending_login", None)
    login_user(user)
    session.regenerate()
    if user.locale:
        session["language"] = user.locale
    if recovery_codes:
        return render_template("auth/recovery_codes.html", codes=recovery_codes,
                               next_url=safe_next(next_url, url_for(LANDING)))
    return redirect(safe_next(next_url, url_for(LANDING)))


def _expired_pending():
    flash(_("Your sign-in took too long. Please start again."), "error")
    return redirect(url_for("auth.login"))


@bp.route("/login/verify", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def second_factor():
    pending = _pending()
    if pending is None or not pending.user.has_totp:
        return _expired_pending()
    user = pending.user
    form = SecondFactorForm()
    if form.validate_on_submit():
        if services.check_second_factor(user, form.code.data, request.remote_addr):
            return _finish_login(user, pending.next_url, pending=pending)
        form.code.errors = [_("That code is not right or has already been used.")]
    return render_template("auth/second_factor.html", form=form)


@bp.route("/login/enrol", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def enrol_at_login():
    pending = _pending()
    if pending is None or pending.user.has_totp or pending.totp_secret is None:
        return _expired_pending()
    user, secret = pending.user, pending.totp_secret
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = services.enrol_totp(user, secret, form.code.data)
        except ServiceError as error:
            show_error(form, error)
        else:
            return _finish_login(user, pending.next_url, codes, pending=pending)
    return _render_enrolment(form, user, secret, at_login=True)


def _render_enrolment(form, user: User, secret: str, at_login: bool):
    uri = totp.provisioning_uri(secret, user.email, current_app.config["TOTP_ISSUER"])
    return render_template("auth/enrol.html", form=form, qr_svg=totp.qr_svg(uri),
                           secret=secret, at_login=at_login)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        from ..core.audit import record

        record("auth.logout", actor=current_user, obj=current_user)
    language = session.get("language")
    logout_user()
    session.clear()
    if language:
        session["language"] = language  # signing out does not change the page language
    flash(_("You have signed out."), "info")
    return redirect(url_for("core.home"))


# --- passwords and invitations -------------------------------------------------------------

@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If an account uses this address, we have sent it a link to choose a new "
                "password. The link works for one hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if services.find_valid_token(token, TokenPurpose.PASSWORD_RESET) is None:
        return render_template("auth/link_expired.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: services.reset_password(token, form.password.data), form)
        if outcome.ok:
            flash(_("Your password has been changed. Please sign in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    found = services.find_valid_token(token, TokenPurpose.INVITATION)
    if found is None:
        return render_template("auth/link_expired.html"), 404
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.full_name.data = found.user.full_name
    if form.validate_on_submit():
        outcome = attempt(lambda: services.accept_invitation(
            token, form.password.data, form.full_name.data), form)
        if outcome.ok:
            flash(_("Your account is ready. Please sign in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/accept_invitation.html", form=form, email=found.user.email)


# --- the signed-in user's own account --------------------------------------------------------

@bp.route("/account")
@login_required
def account():
    return _render_account(RecoveryCodesForm())


def _render_account(recovery_form: RecoveryCodesForm):
    return render_template("auth/account.html", recovery_form=recovery_form,
                           recovery_left=services.unused_recovery_codes(current_user))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data,
                                     form.password.data, keep_token=session.token)
        except ServiceError as error:
            show_error(form, error)
        else:
            session.regenerate()
            flash(_("Your password has been changed. Other sessions have been signed out."),
                  "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


def _refused_reauthentication(form, error: ServiceError, purpose: str) -> None:
    """Undo the refused change, show the message next to its field and keep (commit) a trace
    of a wrong password."""
    show_error(form, error)
    if error.field == "current_password":
        unit_of_work.discard()  # the unit goes on: only the trace is written
        services.note_refused_reauthentication(current_user, purpose)


@bp.route("/account/two-step", methods=["GET", "POST"])
@login_required
@_reauth
def enrol():
    if current_user.has_totp:
        abort(404)
    form = AccountEnrolForm()
    # Signed in, so the session (and this secret) is a server row, not the cookie.
    secret = session.setdefault("pending_totp", totp.new_secret())
    if form.validate_on_submit():
        try:
            codes = services.turn_on_totp(current_user, form.current_password.data, secret,
                                          form.code.data)
        except ServiceError as error:
            _refused_reauthentication(form, error, "totp_enrolment")
        else:
            session.pop("pending_totp", None)
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next_url=url_for("auth.account"))
    return _render_enrolment(form, current_user, secret, at_login=False)


@bp.route("/account/recovery-codes", methods=["POST"])
@login_required
@_reauth
def new_recovery_codes():
    if not current_user.has_totp:
        abort(404)
    form = RecoveryCodesForm()
    if form.validate_on_submit():
        try:
            codes = services.renew_recovery_codes(current_user, form.current_password.data)
        except ServiceError as error:
            _refused_reauthentication(form, error, "recovery_codes")
        else:
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next_url=url_for("auth.account"))
    return _render_account(form)
