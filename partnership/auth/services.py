"""Account operations: sign-in with lock-out and second factor, passwords, invitations, users."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..core.access import require_role
from ..core.audit import record
from ..core.database import utcnow
from ..core.language import language_of
from ..core.links import external_url
from ..core.mail import queue_email
from ..core.roles import Role
from ..core.services import ServiceError
from ..extensions import db
from . import totp
from .models import LoginFailure, PendingSignIn, RecoveryCode, TokenPurpose, User, UserToken
from .passwords import hash_password, needs_rehash, password_problems, verify_password
from .sessions import end_user_sessions


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the active user with this id, or None."""
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def normalise_email(email: str) -> str:
    """The form in which e-mail addresses are stored and compared."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """The user with this e-mail, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# --- signing in ------------------------------------------------------------------------------

@dataclass
class SignIn:
    """The outcome of checking an e-mail and a password."""

    user: User | None
    locked: bool = False

    @property
    def ok(self) -> bool:
        return self.user is not None and not self.locked


def is_locked(email: str) -> bool:
    """Whether this address has had too many failed log-ins in the lock window."""
    config = current_app.config
    since = utcnow() - config["LOGIN_LOCK_WINDOW"]
    failures = db.session.scalar(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.email == normalise_email(email), LoginFailure.at >= since
        )
    )
    return failures >= config["LOGIN_LOCK_THRESHOLD"]


def record_failure(email: str, client_address: str | None, user: User | None, reason: str):
    """Count a failed attempt against the address and audit it."""
    email = normalise_email(email) or "(empty)"
    db.session.add(LoginFailure(email=email, at=utcnow(), client_address=client_address))
    if user is not None:
        record("auth.login_failed", obj=user, reason=reason)
    else:
        record("auth.login_failed", object_type="user", reason=reason)


def check_password_login(email: str, password: str, client_address: str | None) -> SignIn:
    """Check credentials under the per-address lock; audit failures. The caller commits."""
    if is_locked(email):
        record("auth.login_refused_locked", object_type="user",
               user_id=getattr(find_user(email), "id", None))
        return SignIn(user=None, locked=True)
    user = find_user(email)
    valid = verify_password(user.password_hash if user else None, password)
    if not valid or user is None or not user.is_active:
        record_failure(email, client_address, user, "bad_credentials" if not valid else "inactive")
        return SignIn(user=None, locked=is_locked(email))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return SignIn(user=user)


def requires_second_factor(user: User) -> bool:
    """Whether signing in needs a one-time code."""
    return user.has_totp or user.role in current_app.config["TOTP_REQUIRED_ROLES"]


def check_second_factor(user: User, code: str, client_address: str | None) -> bool:
    """Accept a current TOTP code or an unused recovery code, each once; failures count toward
    the lock."""
    if is_locked(user.email):
        return False
    code = code.strip()
    step = totp.matching_step(user.totp_secret, code, user.totp_last_step) if user.totp_secret \
        else None
    if step is not None and _claim_totp_step(user, step):
        return True
    if _spend_recovery_code(user, code):
        record("auth.recovery_code_used", actor=user, obj=user)
        return True
    record_failure(user.email, client_address, user, "bad_second_factor")
    return False


def _claim_totp_step(user: User, step: int) -> bool:
    """Mark ``step`` used unless it or a later one already is. One conditional statement, so of
    several sessions sending the same code at the same moment exactly one gets it."""
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id,
               or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if claimed:
        set_committed_value(user, "totp_last_step", step)
    return claimed


def _spend_recovery_code(user: User, code: str) -> bool:
    """Mark an unused recovery code used, atomically (one statement: it is spent exactly once)."""
    found = db.session.scalar(
        select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == totp.hash_recovery_code(code),
            RecoveryCode.used_at.is_(None),
        ).limit(1)
    )
    if found is None:
        return False
    return db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == found, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount == 1


# --- the sign-in waiting for its second factor ----------------------------------------------

def start_pending_sign_in(user: User, next_url: str) -> str:
    """Remember on the server that ``user`` gave the right password; return the random token
    the visitor's cookie keeps (it names no one). Expired ones are cleared on the way."""
    now = utcnow()
    db.session.execute(delete(PendingSignIn).where(
        PendingSignIn.created_at < now - current_app.config["PENDING_LOGIN_TIMEOUT"]))
    token = secrets.token_urlsafe(32)
    db.session.add(PendingSignIn(
        id=_token_hash(token), user_id=user.id, next_url=next_url[:2000], created_at=now,
        totp_secret=None if user.has_totp else totp.new_secret()))
    return token


def find_pending_sign_in(token: object) -> PendingSignIn | None:
    """The sign-in waiting for this token's second factor, if recent and its user active."""
    if not isinstance(token, str) or not token:
        return None
    pending = db.session.get(PendingSignIn, _token_hash(token))
    if pending is None or not pending.user.is_active:
        return None
    if utcnow() - pending.created_at > current_app.config["PENDING_LOGIN_TIMEOUT"]:
        return None
    return pending


def complete_login(user: User, pending: PendingSignIn | None = None) -> None:
    """Note a successful sign-in and clear the address's failure count; a pending sign-in is
    used up here, once (a copy of its cookie is then worth nothing). The caller commits."""
    if pending is not None:
        used = db.session.execute(
            delete(PendingSignIn).where(PendingSignIn.id == pending.id)
            .execution_options(synchronize_session=False)
        ).rowcount == 1
        db.session.expunge(pending)
        if not used:
            raise ServiceError(_("Your sign-in took too long. Please start again."))
    user.last_login_at = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    record("auth.login", actor=user, obj=user)


def enrol_totp(user: User, secret: str, code: str) -> list[str]:
    """Turn on the second factor if ``code`` proves the app has ``secret``; return new codes.

    The code's step counts as used (it cannot sign in again), and the switch is one conditional
    statement, so two confirmations sent at the same moment turn it on once."""
    step = totp.matching_step(secret, code, None)
    if step is None:
        raise ServiceError(_("That code does not match. Check the time on your phone and try "
                             "again with a new code."), field="code")
    turned_on = db.session.execute(
        update(User)
        .where(User.id == user.id, User.totp_secret.is_(None))
        .values(totp_secret=secret, totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if not turned_on:
        raise ServiceError(_("Two-step sign-in is already on for this account."), field="code")
    set_committed_value(user, "totp_secret", secret)
    set_committed_value(user, "totp_last_step", step)
    record("auth.totp_enrolled", actor=user, obj=user)
    return replace_recovery_codes(user)


def confirm_password(user: User, password: str) -> None:
    """Refuse a sensitive change to the account unless the current password is given again."""
    if not verify_password(user.password_hash, password or ""):
        raise ServiceError(_("The current password is not right."), field="current_password")


def note_refused_reauthentication(user: User, purpose: str) -> None:
    """Keep a trace of a wrong password given again (in its own transaction)."""
    record("auth.reauthentication_refused", actor=user, obj=user, purpose=purpose)


def turn_on_totp(user: User, password: str, secret: str, code: str) -> list[str]:
    """Set up the second factor from the account page: the password again, then the code."""
    confirm_password(user, password)
    return enrol_totp(user, secret, code)


def renew_recovery_codes(user: User, password: str) -> list[str]:
    """Replace the recovery codes once the user has given the password again."""
    confirm_password(user, password)
    return replace_recovery_codes(user)


def replace_recovery_codes(user: User) -> list[str]:
    """Issue ten new recovery codes, voiding the old ones; return them to show once."""
    codes = totp.new_recovery_codes()
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=totp.hash_recovery_code(code)))
    record("auth.recovery_codes_issued", actor=user, obj=user)
    return codes


def unused_recovery_codes(user: User) -> int:
    """How many recovery codes the user has left."""
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


# --- passwords and one-time links -----------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, purpose: TokenPurpose, ttl: timedelta) -> str:
    """A new single-use token for ``purpose``; earlier unused ones of that purpose are voided."""
    now = utcnow()
    db.session.execute(
        delete(UserToken).where(UserToken.user_id == user.id, UserToken.purpose == purpose,
                                UserToken.used_at.is_(None))
    )
    token = secrets.token_urlsafe(32)
    db.session.add(UserToken(token_hash=_token_hash(token), user_id=user.id, purpose=purpose,
                             created_at=now, expires_at=now + ttl))
    return token


def find_valid_token(token: str, purpose: TokenPurpose) -> UserToken | None:
    """The unused, unexpired token of this purpose, or None."""
    found = db.session.scalar(
        select(UserToken).where(UserToken.token_hash == _token_hash(token),
                                UserToken.purpose == purpose)
    )
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        return None
    return found


def _check_new_password(password: str, email: str) -> None:
    problems = password_problems(password, email)
    if problems:
        raise ServiceError(" ".join(problems), field="password")


def _set_password(user: User, password: str) -> None:
    _check_new_password(password, user.email)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


def request_password_reset(email: str) -> None:
    """E-mail a reset link if an active account has this address, else a note that none does.

    Both paths write an e-mail and an audit event, so the answer takes as long for an unknown
    address as for a known one and the page says the same; only the mailbox learns which.
    """
    user = find_user(email)
    if user is None or not user.active or user.password_hash is None:
        _tell_address_without_account(normalise_email(email))
        return
    token = issue_token(user, TokenPurpose.PASSWORD_RESET, current_app.config["PASSWORD_RESET_TTL"])
    link = external_url("auth.reset_password", token=token)
    with force_locale(language_of(user)):
        queue_email(user.email, _("Reset your password"), _(
            "Someone (we hope you) asked to reset the password of your account on the "
            "medical partnerships platform.\n\nOpen this link within one hour to choose a new "
            "password. It works once.\n\n%(link)s\n\nIf it was not you, ignore this e-mail: "
            "your password stays as it is.", link=link))
    record("auth.password_reset_requested", obj=user)


def _tell_address_without_account(email: str) -> None:
    # The steps of issue_token and of building the link, without an account to give the
    # token to: the same statements and work as the other path, so the same time.
    _token_hash(secrets.token_urlsafe(32))
    db.session.execute(delete(UserToken).where(
        UserToken.user_id.is_(None), UserToken.purpose == TokenPurpose.PASSWORD_RESET,
        UserToken.used_at.is_(None)))
    external_url("auth.reset_password", token=secrets.token_urlsafe(32))
    link = external_url("organisations.register")
    # Without an account we know no one's language: the e-mail speaks the page's.
    queue_email(email, _("Reset your password"), _(
        "Someone (we hope you) asked to reset the password for this e-mail address on the "
        "medical partnerships platform, but no active account uses it. Perhaps you signed "
        "up with another address, or your account was closed: ask your organisation's "
        "manager or the embassy. To register an organisation:\n\n%(link)s\n\nIf it was "
        "not you, ignore this e-mail.", link=link))
    record("auth.password_reset_requested", object_type="user", known_address=False)


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link; end every session of the user."""
    found = find_valid_token(token, TokenPurpose.PASSWORD_RESET)
    if found is None:
        raise ServiceError(_("This link has expired or has already been used. Ask for a new one."))
    user = found.user
    _set_password(user, password)
    found.used_at = utcnow()
    end_user_sessions(user.id)
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    record("auth.password_reset", obj=user)
    return user


def accept_invitation(token: str, password: str, full_name: str) -> User:
    """Let an invited person choose a password and become active."""
    found = find_valid_token(token, TokenPurpose.INVITATION)
    if found is None:
        raise ServiceError(_("This invitation has expired or has already been used. Ask the "
                             "person who invited you to send a new one."))
    user = found.user
    _set_password(user, password)
    if full_name.strip():
        user.full_name = full_name.strip()
    found.used_at = utcnow()
    record("auth.invitation_accepted", actor=user, obj=user)
    return user


def change_password(user: User, current: str, new: str, keep_token: str | None) -> None:
    """Change a password after checking the current one; end the user's other sessions."""
    if not verify_password(user.password_hash, current):
        raise ServiceError(_("The current password is not right."), field="current_password")
    if current == new:
        raise ServiceError(_("Choose a password different from the current one."),
                           field="password")
    _set_password(user, new)
    end_user_sessions(user.id, keep_token=keep_token)
    record("auth.password_changed", actor=user, obj=user)


def set_locale(user: User, locale: str) -> None:
    """Remember the user's interface language."""
    if locale not in current_app.config["LANGUAGES"]:
        raise ServiceError(_("This language is not available."))
    user.locale = locale


# --- administration of users -----------------------------------------------------------------

def send_invitation(user: User, inviter: User) -> None:
    """E-mail a fresh invitation link (7 days, single use) to a user without a password."""
    token = issue_token(user, TokenPurpose.INVITATION, current_app.config["INVITATION_TTL"])
    link = external_url("auth.accept_invitation", token=token)
    with force_locale(language_of(user)):
        queue_email(user.email, _("Your account on the medical partnerships platform"), _(
            "You have been invited to the medical partnerships platform of the Embassy of "
            "Ukraine in Kazakhstan.\n\nOpen this link within 7 days to choose your password. "
            "It works once.\n\n%(link)s", link=link))
    record("user.invited", actor=inviter, obj=user)


def create_user(actor: User, email: str, role: Role, full_name: str = "",
                locale: str | None = None) -> User:
    """Create an account and e-mail its invitation link. The caller commits."""
    require_role(actor, Role.ADMIN)
    email = normalise_email(email)
    if find_user(email) is not None:
        raise ServiceError(_("An account with this e-mail address already exists."),
                           field="email")
    user = User(email=email, role=Role(role), full_name=full_name.strip(), locale=locale,
                active=True, created_at=utcnow())
    db.session.add(user)
    db.session.flush()
    record("user.created", actor=actor, obj=user, role=str(user.role))
    send_invitation(user, actor)
    return user


def resend_invitation(actor: User, user: User) -> None:
    """Send a fresh invitation to a user who has not chosen a password yet."""
    require_role(actor, Role.ADMIN)
    if user.password_hash is not None:
        raise ServiceError(_("This person has already accepted the invitation."))
    send_invitation(user, actor)


def update_user(actor: User, user: User, role: Role, active: bool, full_name: str) -> None:
    """Change a user's role, name or active flag; deactivation ends the user's sessions."""
    require_role(actor, Role.ADMIN)
    if user.id == actor.id and (role != user.role or not active):
        raise ServiceError(_("You cannot change your own role or deactivate yourself."))
    role = Role(role)
    if role != user.role:
        record("user.role_changed", actor=actor, obj=user, before=str(user.role), after=str(role))
        user.role = role
        end_user_sessions(user.id)
    if active != user.active:
        record("user.activated" if active else "user.deactivated", actor=actor, obj=user)
        user.active = active
        if not active:
            end_user_sessions(user.id)
    if full_name.strip() != user.full_name:
        record("user.renamed", actor=actor, obj=user)
        user.full_name = full_name.strip()


def reset_second_factor(actor: User, user: User) -> None:
    """Remove a user's second factor (lost phone); they enrol again at the next sign-in."""
    require_role(actor, Role.ADMIN)
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_user_sessions(user.id)
    record("user.totp_reset", actor=actor, obj=user)


def create_admin(email: str, password: str, full_name: str = "") -> User:
    """Create an administrator with a password directly (the first account, from the CLI)."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise ServiceError(_("An account with this e-mail address already exists."))
    user = User(email=email, role=Role.ADMIN, full_name=full_name, active=True,
                created_at=utcnow())
    _set_password(user, password)
    db.session.add(user)
    db.session.flush()
    record("user.created", obj=user, role=str(user.role), via="cli")
    return user


def active_with_role(*roles: str) -> list[User]:
    """The users of these roles who may sign in (the embassy's officers, for instance)."""
    return list(db.session.scalars(select(User).where(User.role.in_(roles),
                                                      User.active.is_(True)).order_by(User.id)))
