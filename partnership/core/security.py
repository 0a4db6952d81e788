"""Requests with control characters refused, the headers every response carries, and sending
queued mail after the response."""

import contextlib
import re

from flask import Flask, abort, current_app, g, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from .models import OutboxEmail

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'")


# C0 control characters but tab, line feed and carriage return. PostgreSQL refuses NUL in text,
# and none of them belongs in a name, an address or a search.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
JSON_DEPTH = 20


def register(app: Flask) -> None:
    """Install the input check, the header hook and the post-response mail hook."""
    app.before_request(refuse_control_characters)
    app.after_request(add_security_headers)
    app.after_request(send_mail_after_response)
    from . import unit_of_work
    from .mail import send_pending_emails

    unit_of_work.send_mail_with(send_pending_emails)


def refuse_control_characters() -> None:
    """400 for a control character anywhere in the path, query, headers, form or JSON body."""
    texts = [request.path, *request.headers.values()]
    for key, value in request.args.items(multi=True):
        texts += (key, value)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if request.is_json:
            try:
                body = request.get_json(silent=True)
            except RecursionError:  # nested deeper than the parser goes
                abort(400)
            texts += _json_texts(body)
        else:
            for key, value in request.form.items(multi=True):
                texts += (key, value)
            for key, upload in request.files.items(multi=True):
                texts += (key, upload.filename or "")
    if any(CONTROL_CHARACTERS.search(text) for text in texts):
        abort(400)


def _json_texts(value, depth: int = 0) -> list[str]:
    if depth > JSON_DEPTH:
        abort(400)
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value.keys(), *(t for v in value.values() for t in _json_texts(v, depth + 1))]
    if isinstance(value, list):
        return [t for v in value for t in _json_texts(v, depth + 1)]
    return []


def add_security_headers(response):
    """CSP, nosniff, referrer policy, HSTS outside development, no-store for private pages."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config["HSTS"]:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if _private(response):
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def _private(response) -> bool:
    """Whether a cache must not keep the response: it is a signed-in user's, it carries a CSRF
    token (every page's language switch does), or it sets a cookie."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return _signed_in() or field in g or "Set-Cookie" in response.headers


def _signed_in() -> bool:
    # The user Flask-Login already loaded for this request, when it did: asked whether it is
    # anonymous (a class property), not whether it is active, since the unit of work's commit
    # has expired its columns and reading one would load the row again (one query a request).
    # Any account's page, even a deactivated one's, is private.
    user = g.get("_login_user")
    if user is not None:
        return not user.is_anonymous
    try:
        return current_user.is_authenticated
    except Exception:  # noqa: BLE001 - a broken loader must not hide the headers
        return False


@event.listens_for(Session, "after_commit")
def _note_outbox(session: Session) -> None:
    if session.info.pop("outbox_added", False):
        # Outside an application context (CLI) the command sends mail itself.
        with contextlib.suppress(RuntimeError):
            g.outbox_pending = True


@event.listens_for(Session, "before_flush")
def _watch_outbox(session: Session, _context, _instances) -> None:
    if any(isinstance(obj, OutboxEmail) for obj in session.new):
        session.info["outbox_added"] = True


def send_mail_after_response(response):
    """Send the e-mails this request queued once the response has gone (same timing for all)."""
    if g.get("outbox_pending") and current_app.config["MAIL_SEND_INLINE"]:
        app = current_app._get_current_object()

        def send():
            from .mail import send_pending_emails

            with app.app_context():
                send_pending_emails()

        response.call_on_close(send)
    return response
