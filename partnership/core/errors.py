"""Error pages in the user's language; never a stack trace."""

import logging
from contextlib import suppress

from flask import Flask, current_app, render_template, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import limiter
from . import unit_of_work
from .access import AccessDenied, NotVisible
from .logs import logged_path
from .storage import StorageUnavailable


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("The request could not be understood"),
              _("Something in the request was not right. If you were sending a form, the page "
                "may have been open too long: go back, reload it and try again.")),
        403: (_("Access denied"), _("You do not have permission to do this.")),
        404: (_("Page not found"),
              _("There is no page at this address, or you have no access to it.")),
        405: (_("Not allowed"), _("This address does not accept this kind of request.")),
        409: (_("Conflict"), _("Someone else changed this at the same time. Reload the page "
                               "to see the latest version.")),
        413: (_("Too large"), _("What you sent is larger than we accept. Please send a "
                                "smaller file.")),
        429: (_("Too many attempts"), _("Please wait a moment before trying again.")),
        503: (_("Temporarily unavailable"),
              _("This cannot be done at the moment. The administrators have been told; please "
                "try again later.")),
        500: (_("Something went wrong on our side"),
              _("The error has been logged. Please try again in a few minutes.")),
    }


# The database did not answer (restarting, unreachable, out of connections): a person is told to
# try again shortly, never shown a 500, and no cookie is touched. SQLAlchemy's OperationalError
# also covers a serialisation failure or a lock timeout: trying again is the right answer there.
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
RETRY_AFTER_SECONDS = 30


class DatabaseUnavailable(Exception):
    """The request cannot be served because the database does not answer."""


def _outage(error: BaseException | None) -> bool:
    """Whether ``error``, or an error it was raised from or while handling, is the database
    not answering."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, (DatabaseUnavailable, *DATABASE_DOWN)):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


class OutageAsWarning(logging.Filter):
    """Flask logs at ERROR, with a traceback, an error it meets outside the view ("Exception
    on ...", "Request finalizing failed ...": the session's save when the database has just
    gone). While PostgreSQL restarts that was one traceback per request caught mid-way, for an
    outage that the person is already told about (503, try again): one WARNING line each, with
    the error's kind and no traceback (whose values could quote a row)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.exc_info and _outage(record.exc_info[1]):
            kind = type(record.exc_info[1]).__name__
            record.msg = f"database unavailable: {record.getMessage()} ({kind})"
            record.args = None
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def render_unavailable():
    """The 503 page, drawn without the database: no user, no notifications, no session
    writes; in the language the visitor chose or their browser asks for."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("language") if session is not None else None
    language = (chosen if chosen in languages else
                request.accept_languages.best_match(languages)
                or current_app.config["BABEL_DEFAULT_LOCALE"])
    with force_locale(language):
        title = _("Temporarily unavailable")
        body = render_template("errors/unavailable.html", language=language, title=title,
                               retry_after=RETRY_AFTER_SECONDS)
    if request.accept_mimetypes.best == "application/json":
        body = {"error": 503, "message": title, "retry_after": RETRY_AFTER_SECONDS}
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def render_error(code: int, retry_after: int | None = None):
    """The error page for ``code``."""
    title, text = _messages().get(code, _messages()[500])
    if request.accept_mimetypes.best == "application/json":
        return {"error": code, "message": title}, code
    return render_template("errors/error.html", code=code, title=title, text=text,
                           retry_after=retry_after), code


def register(app: Flask) -> None:
    """Attach the handlers."""
    app.logger.addFilter(OutageAsWarning())

    # Every error page ends its unit of work with a rollback (the commit point sees the status);
    # the session is rolled back now already, so the page itself reads clean data.
    def refuse_without_database():
        if getattr(session, "unavailable", False) and request.endpoint != "static":
            raise DatabaseUnavailable

    # First of all the hooks: the CSRF check would otherwise answer 400, the session's token
    # being unreadable too.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_without_database)

    def unavailable(error: Exception):
        with suppress(*DATABASE_DOWN):  # the rollback itself may find the connection gone
            unit_of_work.abandon()
        app.logger.warning("database unavailable on %s %s (%s)", request.method,
                           logged_path(request.path, request.view_args), type(error).__name__)
        return render_unavailable()

    for kind in (DatabaseUnavailable, *DATABASE_DOWN):
        app.register_error_handler(kind, unavailable)

    @app.errorhandler(StorageUnavailable)
    def storage_unavailable(error: StorageUnavailable):
        # A file could not be read or written: the unit of work rolls back (an upload's row is
        # not kept without its file), and the person is asked to try again shortly.
        unit_of_work.abandon()
        app.logger.warning("file storage unavailable on %s %s (%s)", request.method,
                           logged_path(request.path, request.view_args), error)
        return render_unavailable()

    @app.errorhandler(AccessDenied)
    def denied(_error):
        unit_of_work.abandon()
        return render_error(403)

    @app.errorhandler(NotVisible)
    def not_visible(_error):
        unit_of_work.abandon()
        return render_error(404)

    @app.errorhandler(RateLimitExceeded)
    def too_many(error):
        unit_of_work.abandon()
        current = limiter.current_limit
        retry_after = None
        if current is not None:
            import time

            retry_after = max(1, int(current.reset_at - time.time()))
        response, code = render_error(429, retry_after)
        response = app.make_response((response, code))
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # The database went away after the view, while the response was being finished (the
        # session's save): Flask wraps that in a 500, whose own page would ask the database
        # again. It is the same outage: 503 with the retry hint.
        if isinstance(getattr(error, "original_exception", None), DATABASE_DOWN):
            return unavailable(error.original_exception)
        unit_of_work.abandon()
        if error.code == 405:
            response = app.make_response(render_error(405))
            if error.valid_methods:
                response.headers["Allow"] = ", ".join(error.valid_methods)
            return response
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        unit_of_work.abandon()
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("unhandled error on %s %s", request.method,
                             logged_path(request.path, request.view_args))
        return render_error(InternalServerError.code)
