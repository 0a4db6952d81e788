"""Each request gets an id, is timed and counted.

The id is sent back as ``X-Request-ID`` and appears on every log line the request causes, in the
access line and in the reverse proxy's log (nginx passes its own ``$request_id``), so one
request can be followed from the proxy to the application. An incoming ``X-Request-ID`` is
kept only when the application sits behind a trusted proxy (``TRUSTED_PROXIES`` > 0: the proxy
sets the header on every request, whatever a client sent) and the value is well-formed;
otherwise a fresh one is made. The middleware is the outermost layer, so the time counted is the
whole answer, error pages and streamed files included.
"""

import re
import time
import uuid

from flask import Flask, request
from werkzeug.wsgi import ClosingIterator

from . import metrics
from .logs import ENDPOINT, LOGGED_PATH, REQUEST_ID, logged_path

HEADER = "X-Request-ID"
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}", re.ASCII)


def new_request_id() -> str:
    """A fresh id: 32 hexadecimal digits, the shape of nginx's ``$request_id``."""
    return uuid.uuid4().hex


def request_id_for(environ: dict, trust_incoming: bool) -> str:
    """The incoming id when it may be trusted and is well-formed, a fresh one otherwise."""
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    if trust_incoming and WELL_FORMED.fullmatch(incoming):
        return incoming
    return new_request_id()


class RequestTracking:
    """WSGI middleware: the request id (environ and response header), the request metrics."""

    def __init__(self, wsgi_app, trust_incoming: bool):
        self.wsgi_app = wsgi_app
        self.trust_incoming = trust_incoming

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        request_id = environ[REQUEST_ID] = request_id_for(environ, self.trust_incoming)
        method = environ.get("REQUEST_METHOD", "")
        answered: list[int] = []

        def start(status, headers, exc_info=None):
            answered[:] = [int(status.split(" ", 1)[0])]
            headers = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            headers.append((HEADER, request_id))
            return start_response(status, headers, exc_info)

        in_progress = metrics.IN_PROGRESS.labels(metrics.method_label(method))
        in_progress.inc()
        finished = []

        def finish():
            if finished:
                return
            finished.append(True)
            in_progress.dec()
            metrics.observe(method, environ.get(ENDPOINT), answered[0] if answered else 500,
                            time.perf_counter() - started)

        try:
            body = self.wsgi_app(environ, start)
        except BaseException:
            finish()
            raise
        return ClosingIterator(body, [finish])


def note_route(endpoint: str | None, view_args: dict | None) -> None:
    """Remember the request's endpoint and its path as logged. A URL value preprocessor: Flask
    runs it for every routed request, before any ``before_request`` hook may refuse it."""
    request.environ[ENDPOINT] = endpoint
    request.environ[LOGGED_PATH] = logged_path(request.path, view_args)


def init_app(app: Flask) -> None:
    """Wrap the application (outermost) and note each request's route."""
    metrics.prepare_folder()
    app.wsgi_app = RequestTracking(app.wsgi_app, trust_incoming=app.config["TRUSTED_PROXIES"] > 0)
    app.url_value_preprocessor(note_route)
