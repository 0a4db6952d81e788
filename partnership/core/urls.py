"""Redirect targets that stay on this site, and links that may be shown as links."""

from urllib.parse import urlsplit


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
