"""Error pages in the user's language; never a stack trace."""

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import limiter
from . import unit_of_work
from .access import AccessDenied, NotVisible
from .logs import logged_path


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


def render_error(code: int, retry_after: int | None = None):
    """The error page for ``code``."""
    title, text = _messages().get(code, _messages()[500])
    if request.accept_mimetypes.best == "application/json":
        return {"error": code, "message": title}, code
    return render_template("errors/error.html", code=code, title=title, text=text,
                           retry_after=retry_after), code


def register(app: Flask) -> None:
    """Attach the handlers."""

    # Every error page ends its unit of work with a rollback (the commit point sees the status);
    # the session is rolled back now already, so the page itself reads clean data.
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
