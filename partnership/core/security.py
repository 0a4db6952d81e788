"""Response headers that every page carries, and sending queued mail after the response."""

import contextlib

from flask import Flask, current_app, g
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from .models import OutboxEmail

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'")


def register(app: Flask) -> None:
    """Install the header hook and the post-response mail hook."""
    app.after_request(add_security_headers)
    app.after_request(send_mail_after_response)


def add_security_headers(response):
    """CSP, nosniff, referrer policy, HSTS outside development, no-store for signed-in pages."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config["HSTS"]:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if _signed_in():
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def _signed_in() -> bool:
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
            from .services import send_pending_emails

            with app.app_context():
                send_pending_emails()

        response.call_on_close(send)
    return response
