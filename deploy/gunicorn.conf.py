"""gunicorn settings for production.

    gunicorn -c deploy/gunicorn.conf.py 'partnership:create_app()'

Environment variables override the defaults: GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_TIMEOUT.
"""

import multiprocessing
import os

from gunicorn.http import wsgi

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # the reverse proxy in front connects here
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # a memorandum PDF renders in seconds
graceful_timeout = 30
keepalive = 5
# Requests with huge lines or headers are refused by gunicorn itself (414, 431), before the app.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"


# gunicorn writes "Server: gunicorn" itself, before the application's headers, and has no setting
# for it; overriding gunicorn.SERVER only works if this file runs before gunicorn.http.wsgi is
# imported. Leave the line out of the headers it writes instead: nothing tells which server runs.
def _headers_without_server(response, _default_headers=wsgi.Response.default_headers):
    return [line for line in _default_headers(response)
            if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _headers_without_server


def post_worker_init(_worker):
    """Load the search's morphology dictionaries before the worker takes its first request."""
    from partnership.lexicon import warm

    warm()
