"""Server-side sessions for signed-in users.

A visitor's session (language, CSRF token, the random token of a log-in in progress) lives in
a signed cookie, as Flask's default; signed is not secret, so it holds nothing about a person (a
log-in waiting for its second factor is a ``pending_sign_in`` row, see ``auth.services``). The
moment a user is signed in, the session moves to a row in ``auth_session`` and the browser keeps
only a random token whose SHA-256 names that row. Deleting the row ends the session at once:
log-out, a password change and deactivation do so (and drop the user's pending sign-ins), and a
cookie captured earlier is worth nothing. Idle and absolute time-outs are checked on every
request.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import Flask, g
from flask.sessions import SecureCookieSessionInterface, SessionInterface, SessionMixin
from itsdangerous import BadSignature
from sqlalchemy import ForeignKey, String, delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, joinedload, mapped_column
from werkzeug.datastructures import CallbackDict

from ..core import unit_of_work
from ..core.database import UTCDateTime, utcnow
from ..extensions import db
from .models import PendingSignIn, User

AUTH_KEYS = ("_user_id", "_fresh", "_id")
ANONYMOUS_COOKIE = "pp_visitor"


class AuthSession(db.Model):
    """A signed-in session; the browser holds the token whose hash is the key."""

    __tablename__ = "auth_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie token
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    data: Mapped[dict] = mapped_column(db.JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    client_address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(255), nullable=True)


class ServerSession(CallbackDict, SessionMixin):
    """The session object views see, wherever it is stored."""

    def __init__(self, initial=None, token: str | None = None, row: AuthSession | None = None):
        def on_update(_self):
            _self.modified = True

        super().__init__(initial or {}, on_update)
        self.token = token
        self.row = row
        self.account: User | None = None   # the row's user, loaded with it
        self.modified = False
        self.regenerate_requested = False
        # The database did not answer when the session was read: the request is refused (503,
        # core/errors.py) and the cookies are left as they are, so nobody is signed out by it.
        self.unavailable = False

    def regenerate(self) -> None:
        """Give this session a new identifier when the response is saved."""
        self.regenerate_requested = True
        self.modified = True


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_timeout_for(app: Flask, role: str | None) -> timedelta:
    """How long a session of this role may sit unused."""
    return app.config["SESSION_IDLE_TIMEOUT_BY_ROLE"].get(role, app.config["SESSION_IDLE_TIMEOUT"])


def end_user_sessions(user_id: int, keep_token: str | None = None) -> int:
    """Delete every server session of a user (but ``keep_token``'s) and every sign-in of theirs
    still waiting for the second factor; the caller commits."""
    db.session.execute(delete(PendingSignIn).where(PendingSignIn.user_id == user_id))
    statement = delete(AuthSession).where(AuthSession.user_id == user_id)
    if keep_token:
        statement = statement.where(AuthSession.id != _hash(keep_token))
    return db.session.execute(statement).rowcount


class ServerSessionInterface(SessionInterface):
    """Signed cookie for visitors, database rows for signed-in users."""

    def __init__(self):
        self.visitor = SecureCookieSessionInterface()

    def open_session(self, app: Flask, request) -> ServerSession:
        token = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if token:
            try:
                session = self._load(app, token)
            except SQLAlchemyError:
                unit_of_work.discard()
                session = ServerSession(self._open_visitor(app, request))
                session.unavailable = True
                return session
            if session is not None:
                return session
            g.session_expired = True
        return ServerSession(self._open_visitor(app, request))

    def _open_visitor(self, app: Flask, request) -> dict:
        raw = request.cookies.get(ANONYMOUS_COOKIE)
        serializer = self.visitor.get_signing_serializer(app)
        if not raw or serializer is None:
            return {}
        try:
            max_age = int(app.permanent_session_lifetime.total_seconds())
            data = serializer.loads(raw, max_age=max_age)
        except BadSignature:
            return {}
        return {k: v for k, v in data.items() if k not in AUTH_KEYS}

    def _load(self, app: Flask, token: str) -> ServerSession | None:
        # The whole user comes along, with their organisation, and the session holds the user
        # for the request (the identity map keeps only weak references): Flask-Login's loader
        # then finds it there instead of reading the row a second time, and the check for
        # rejected organisations and the organisation's own pages find the organisation.
        found = db.session.execute(
            select(AuthSession, User)
            .join(User, User.id == AuthSession.user_id)
            .options(joinedload(User.organisation))
            .where(AuthSession.id == _hash(token))
        ).first()
        if found is None:
            return None
        row, user = found
        role, active = user.role, user.active
        now = utcnow()
        expired = (
            not active
            or now - row.last_seen_at > idle_timeout_for(app, role)
            or now - row.created_at > app.config["SESSION_ABSOLUTE_TIMEOUT"]
        )
        if expired:
            self._delete_row(row)
            return None
        session = ServerSession(dict(row.data), token=token, row=row)
        session.account = user
        if now - row.last_seen_at > app.config["SESSION_TOUCH_INTERVAL"]:
            session.modified = True  # saving refreshes last_seen_at
        return session

    def save_session(self, app: Flask, session: ServerSession, response) -> None:
        if getattr(session, "unavailable", False):
            return
        name = app.config["SESSION_COOKIE_NAME"]
        signed_in = bool(session.get("_user_id"))
        if not signed_in:
            if session.row is not None:
                self._delete_row(session.row)
                response.delete_cookie(name, **self._cookie_scope(app))
            self._save_visitor(app, session, response)
            return
        if session.row is None or session.regenerate_requested:
            self._rotate(app, session, response)
        elif session.modified:
            with unit_of_work.apart() as apart:
                apart.execute(update(AuthSession).where(AuthSession.id == session.row.id)
                              .values(data=self._payload(session), last_seen_at=utcnow()))
        response.vary.add("Cookie")

    def _rotate(self, app: Flask, session: ServerSession, response) -> None:
        from flask import request

        if session.row is not None:
            self._delete_row(session.row)
        token = secrets.token_urlsafe(32)
        row = AuthSession(
            id=_hash(token),
            user_id=int(session["_user_id"]),
            data=self._payload(session),
            created_at=utcnow(),
            last_seen_at=utcnow(),
            client_address=request.remote_addr,
            user_agent=(request.user_agent.string or "")[:255],
        )
        with unit_of_work.apart() as apart:
            apart.add(row)
        session.row, session.token = row, token
        response.set_cookie(
            app.config["SESSION_COOKIE_NAME"],
            token,
            httponly=True,
            secure=app.config["SESSION_COOKIE_SECURE"],
            samesite=app.config["SESSION_COOKIE_SAMESITE"],
            **self._cookie_scope(app),
        )
        response.delete_cookie(ANONYMOUS_COOKIE, **self._cookie_scope(app))

    def _save_visitor(self, app: Flask, session: ServerSession, response) -> None:
        data = {k: v for k, v in session.items() if k not in AUTH_KEYS}
        scope = self._cookie_scope(app)
        if not data:
            if session.modified or session.regenerate_requested:
                response.delete_cookie(ANONYMOUS_COOKIE, **scope)
            return
        if not (session.modified or session.regenerate_requested):
            return
        serializer = self.visitor.get_signing_serializer(app)
        response.set_cookie(
            ANONYMOUS_COOKIE,
            serializer.dumps(data),
            httponly=True,
            secure=app.config["SESSION_COOKIE_SECURE"],
            samesite=app.config["SESSION_COOKIE_SAMESITE"],
            **scope,
        )

    @staticmethod
    def _payload(session: ServerSession) -> dict:
        return {k: v for k, v in session.items()}

    @staticmethod
    def _delete_row(row: AuthSession) -> None:
        with unit_of_work.apart() as apart:
            apart.execute(delete(AuthSession).where(AuthSession.id == row.id))

    @staticmethod
    def _cookie_scope(app: Flask) -> dict:
        return {"path": app.config.get("SESSION_COOKIE_PATH") or "/", "domain": None}
