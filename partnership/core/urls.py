"""URLs: ids in paths, numbers in query strings, redirect targets that stay on this site, links
that may be shown as links."""

import math
import re
from urllib.parse import urlsplit

from flask import request
from werkzeug.routing import IntegerConverter, ValidationError

# Every id column is a 32-bit integer (PostgreSQL ``integer``): a larger number names nothing, and
# sending it to the database is an error there (and past 2**63 in SQLite too).
MAX_ID = 2**31 - 1
_INTEGER = re.compile(r"[+-]?[0-9]{1,30}", re.ASCII)


class IdConverter(IntegerConverter):
    """The ``int`` of every route: 0 to ``MAX_ID``; anything larger is a 404 like an unknown id."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_ID, signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(MAX_ID)):  # never parse thousands of digits
            raise ValidationError()
        return super().to_python(value)


def whole_number(text) -> int | None:
    """``text`` as an integer when it is one (at most 30 digits), else None."""
    text = text.strip() if isinstance(text, str) else ""
    return int(text) if _INTEGER.fullmatch(text) else None


def id_or(text, default: int) -> int:
    """``text`` as a number an id or version column can hold (0 to ``MAX_ID``), else ``default``:
    for hidden form fields, which our own pages fill with such numbers."""
    number = whole_number(text)
    return number if number is not None and 0 <= number <= MAX_ID else default


def int_param(name: str, default: int | None = None, *, minimum: int = 0,
              maximum: int = MAX_ID, source=None) -> int | None:
    """An integer query parameter kept within [minimum, maximum] (a page past the end is the last
    one the database can hold); ``default`` when it is absent or not a whole number."""
    number = whole_number((request.args if source is None else source).get(name, ""))
    if number is None:
        return default
    return min(max(number, minimum), maximum)


def float_param(name: str, default: float, *, minimum: float, maximum: float) -> float:
    """A decimal query parameter kept within [minimum, maximum]; ``default`` when it is absent,
    not a number, or not finite (``nan``, ``inf``)."""
    raw = request.args.get(name, "").strip()
    try:
        value = float(raw[:40])
    except ValueError:
        return default
    if not math.isfinite(value):
        return default
    return min(max(value, minimum), maximum)


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target or not isinstance(target, str):
        return default
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


WEB_SCHEMES = ("http", "https")


def is_web_url(value: str | None) -> bool:
    """True for an absolute http(s) address with a host name; nothing else becomes a link.

    Browsers ignore leading spaces and control characters and read ``JaVaScRiPt:`` as
    ``javascript:``, so anything with whitespace or control characters is refused outright.
    """
    if not value or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(host) and "." in host
