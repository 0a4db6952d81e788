"""What the processes write to their logs: a readable console in development, one JSON object a
line in production, and never a person's data in either format's production form.

A JSON line carries ``time``, ``level``, ``logger`` and ``message``; during a request also
``request_id``, ``method`` and ``path``; the access line (gunicorn's, ``core.access_log``) adds
``status`` and ``duration_ms``. The path is the route's, with secret parts (the tokens of
password-reset, invitation and registration links) replaced by their name; query strings are
never logged. Every message and traceback is passed through ``redact``: e-mail addresses and IP
addresses (but loopback) become ``[e-mail]`` and ``[address]``, whoever logged them (Flask-Limiter
names the client's address when a limit is reached; an SMTP refusal names the recipient).
"""

import ipaddress
import json
import logging
import re
import sys
from datetime import UTC, datetime

from flask import Flask, has_request_context, request

FORMATS = ("json", "console")
CONSOLE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Set on the WSGI environ by ``core.request_tracking``: the request's id, its path as logged and
# its endpoint (read by the access line and the metrics, after the application has answered).
REQUEST_ID = "partnership.request_id"
LOGGED_PATH = "partnership.logged_path"
ENDPOINT = "partnership.endpoint"
# Route arguments that are secrets: logged by name, never by value.
SECRET_ARGUMENTS = frozenset({"token"})

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# Candidates only: a run of hex digits, dots and colons; ``ipaddress`` decides what is one.
_ADDRESS_CANDIDATE = re.compile(r"(?<![\w.:])[0-9A-Fa-f.:]*[.:][0-9A-Fa-f.:]*(?![\w.:])")
_KEPT_ADDRESSES = ("127.0.0.1", "::1", "0.0.0.0", "::")  # noqa: S104 - words in a log, not a bind


def redact(text: str) -> str:
    """``text`` without e-mail addresses and IP addresses (loopback and 'any' are kept)."""
    text = _EMAIL.sub("[e-mail]", text)
    return _ADDRESS_CANDIDATE.sub(_redact_address, text)


def _redact_address(match: re.Match) -> str:
    candidate = match.group(0)
    try:
        address = ipaddress.ip_address(candidate.strip(".:") if "." in candidate else candidate)
    except ValueError:
        return candidate
    if str(address) in _KEPT_ADDRESSES or address.is_loopback:
        return candidate
    return "[address]"


def logged_path(path: str, view_args: dict | None) -> str:
    """``path`` with the values of secret route arguments replaced by ``<name>``."""
    for name in SECRET_ARGUMENTS & set(view_args or ()):
        value = str(view_args[name])
        if value:
            path = path.replace(value, f"<{name}>")
    return path


class RequestFields(logging.Filter):
    """Adds the current request's id, method and logged path to each record made during it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and not hasattr(record, "request_id"):
            environ = request.environ
            record.request_id = environ.get(REQUEST_ID)
            record.method = request.method
            record.path = environ.get(LOGGED_PATH) or environ.get("PATH_INFO", "")
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the request's fields."""

    FIELDS = ("request_id", "method", "path", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for field in self.FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_format(app: Flask) -> str:
    """The configured format, checked: ``json`` or ``console``."""
    name = str(app.config["LOG_FORMAT"]).strip().lower()
    if name not in FORMATS:
        raise RuntimeError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {name!r}")
    return name


def configure(app: Flask) -> None:
    """Write the process's log to stderr in the configured format, each message once."""
    level = app.config["LOG_LEVEL"]
    root = logging.getLogger()
    if log_format(app) == "json":
        handler = _our_handler(root)
        if handler is None:
            handler = logging.StreamHandler(sys.stderr)
            handler.partnership_json = True
            root.addHandler(handler)
        handler.setFormatter(JsonFormatter())
        if not any(isinstance(f, RequestFields) for f in handler.filters):
            handler.addFilter(RequestFields())
        root.setLevel(level)
    elif not root.handlers:
        logging.basicConfig(level=level, format=CONSOLE_FORMAT)


def _our_handler(root: logging.Logger) -> logging.Handler | None:
    """The JSON handler an earlier application of this process installed (tests make many)."""
    return next((h for h in root.handlers if getattr(h, "partnership_json", False)), None)
