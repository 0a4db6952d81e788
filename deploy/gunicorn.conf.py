"""gunicorn settings for production.

    gunicorn -c deploy/gunicorn.conf.py 'partnership:create_app()'

Environment variables override the defaults:

    GUNICORN_BIND        where to listen (default 127.0.0.1:8000, the reverse proxy connects here)
    GUNICORN_WORKERS     worker processes (default 2 x usable CPUs + 1)
    GUNICORN_TIMEOUT     seconds a worker may stay silent before it is killed and replaced (60)
    GUNICORN_GRACEFUL_TIMEOUT  seconds a stopping worker has to finish its requests (30)
    FORWARDED_ALLOW_IPS  addresses whose X-Forwarded-* headers gunicorn believes (127.0.0.1)
    LOG_FORMAT           json (production's default) or console (the other environments')
    PROMETHEUS_MULTIPROC_DIR  where the workers keep their metrics (default: a fresh temporary
                         folder); one folder per gunicorn instance, emptied when it starts

Graceful reload: ``kill -HUP <master pid>`` (``systemctl reload partnership-web``) re-reads this
file, starts new workers that import the application afresh (the code on disk now), and stops
the old ones once they have finished their requests (at most GUNICORN_GRACEFUL_TIMEOUT). No
request is dropped. This works because the master never imports the application: keep
``preload_app`` off, and import nothing from ``partnership`` at the top of this file (a module
the master imported would be inherited, old, by every new worker). ``kill -TERM`` stops
gracefully; ``kill -QUIT``/``-INT`` stop at once.

The access log is one line per request, written by the worker once the response has gone:
method, path (as the application logged it: secret tokens replaced, no query string), status,
duration and the request id the application gave it (``X-Request-ID``), never the client's
address. With LOG_FORMAT=json it is one JSON object a line, with the same keys as the
application's own lines (``partnership.core.logs``).
"""

import glob
import json
import logging
import os
import shutil
import tempfile
import traceback
from datetime import UTC, datetime

from gunicorn import glogging
from gunicorn.http import wsgi


def usable_cpus() -> int:
    """CPUs this process may run on (a container's or a systemd slice's, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * usable_cpus() + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)  # a memorandum PDF renders in seconds
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
keepalive = 5  # seconds an idle connection from the proxy stays open
preload_app = False  # see "Graceful reload" above
proc_name = "partnership-web"
# Workers' heartbeat files on a memory file system: a slow disk never looks like a hung worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Requests with huge lines or headers are refused by gunicorn itself (414, 431), before the app.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# gunicorn 27's control socket ($HOME/.gunicorn/gunicorn.ctl) is one path per user: two
# instances on one machine would take it from each other. Signals and systemd do the same job.
control_socket_disable = True

# The same rule as partnership.config: production (the default) logs JSON, the others a console.
LOG_FORMAT = (os.environ.get("LOG_FORMAT")
              or ("json" if os.environ.get("PARTNERSHIP_ENV", "production").lower()
                  == "production" else "console")).strip().lower()

# Set before any worker imports prometheus_client: it chooses multiprocess mode on import.
# A folder made here is named in PARTNERSHIP_METRICS_TEMPORARY too, so that a HUP (which runs
# this file again, the variable now set) keeps it, and the master's exit removes it.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.environ["PARTNERSHIP_METRICS_TEMPORARY"] = \
        tempfile.mkdtemp(prefix="partnership-metrics-")
METRICS_DIR = os.environ["PROMETHEUS_MULTIPROC_DIR"]
os.makedirs(METRICS_DIR, mode=0o700, exist_ok=True)


class JsonLines(logging.Formatter):
    """gunicorn's own lines as JSON (standard library only: the master imports no app code)."""

    FIELDS = ("request_id", "method", "path", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in self.FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _status_code(resp) -> int | str:
    """The response's status code: gunicorn's own error response (a request the application
    could not answer) has only its status line."""
    code = getattr(resp, "status_code", None)
    if code is None:
        line = str(getattr(resp, "status", "") or "")
        code = int(line[:3]) if line[:3].isdigit() else "-"
    return code


def access_fields(resp, req, environ: dict, request_time) -> dict:
    """What the access line says about one request."""
    return {
        "request_id": environ.get("partnership.request_id") or "-",
        "method": req.method,
        "path": environ.get("partnership.logged_path") or req.path,
        "status": _status_code(resp),
        "duration_ms": round(request_time.total_seconds() * 1000, 1),
    }


class Logger(glogging.Logger):
    """gunicorn's logger with the access line above, in JSON when LOG_FORMAT is json."""

    def setup(self, cfg):
        super().setup(cfg)
        if LOG_FORMAT == "json":
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(JsonLines())

    def access(self, resp, req, environ, request_time):
        if not getattr(self, "access_log_enabled", True):
            return
        fields = access_fields(resp, req, environ, request_time)
        try:
            if LOG_FORMAT == "json":
                self.access_log.info("%s %s %s", fields["method"], fields["path"],
                                     fields["status"], extra=fields)
            else:
                self.access_log.info("%(method)s %(path)s %(status)s %(duration_ms)sms "
                                     "rid=%(request_id)s", fields)
        except Exception:  # noqa: BLE001 - a log line must never fail a request
            self.error(traceback.format_exc())


logger_class = Logger


# gunicorn writes "Server: gunicorn" itself, before the application's headers, and has no setting
# for it; overriding gunicorn.SERVER only works if this file runs before gunicorn.http.wsgi is
# imported. Leave the line out of the headers it writes instead: nothing tells which server runs.
def _headers_without_server(response, _default_headers=wsgi.Response.default_headers):
    return [line for line in _default_headers(response)
            if not line.lower().startswith("server:")]


if not getattr(wsgi.Response.default_headers, "without_server", False):  # a HUP re-reads this
    _headers_without_server.without_server = True
    wsgi.Response.default_headers = _headers_without_server


def on_starting(_server):
    """Count from zero: metrics files a previous run left would be added to this run's."""
    for path in glob.glob(os.path.join(METRICS_DIR, "*.db")):
        os.remove(path)


def post_worker_init(_worker):
    """Load the search's morphology dictionaries before the worker takes its first request,
    then set what the worker has loaded so far (the application, the catalogues, the
    dictionaries: about 250,000 objects) apart from the garbage collector's counts. Such
    objects live as long as the worker; a full collection that walked them all stopped the
    worker for about 100 ms, and after ``gc.freeze`` it walks only what came later (under a
    millisecond)."""
    import gc

    from partnership.lexicon import warm

    warm()
    gc.collect()
    gc.freeze()


def child_exit(_server, worker):
    """A worker ended: its live gauges (requests in progress) no longer count."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, METRICS_DIR)


def on_exit(_server):
    """Remove the temporary metrics folder this file made (a configured one is left)."""
    if os.environ.get("PARTNERSHIP_METRICS_TEMPORARY") == METRICS_DIR:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
