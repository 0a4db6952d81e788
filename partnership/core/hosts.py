"""The ``Host`` header: a malformed one, or in production one that is not ours, gets a 400.

Werkzeug refuses such hosts itself, but while it builds the request's URL adapter: the request then
has no adapter, the error page cannot build a link, and the server answered a bare 500 without
our headers. Here a refused host gets an adapter bound to our own address whose matching always
refuses, so the normal 400 page (with every security header) is rendered.
"""

import re
from urllib.parse import urlsplit

from flask import Flask, Request
from werkzeug.exceptions import BadHost, HTTPException
from werkzeug.routing import MapAdapter

_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_NAME = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}\.?", re.ASCII)
_IP_LITERAL = re.compile(r"\[[0-9A-Fa-f:.]{2,45}\]", re.ASCII)
_PORT = re.compile(r"[0-9]{1,5}", re.ASCII)


def well_formed(host: str) -> bool:
    """Whether ``host`` is ``name[:port]`` or ``[ipv6][:port]`` with DNS-sized labels."""
    if host.startswith("["):
        name, bracket, rest = host.partition("]")
        name += bracket
        if rest and not (rest.startswith(":") and _PORT.fullmatch(rest[1:])):
            return False
        return bool(_IP_LITERAL.fullmatch(name))
    name, colon, port = host.partition(":")
    if colon and not (_PORT.fullmatch(port) and 0 < int(port) < 65536):
        return False
    return len(name) <= 253 and bool(_NAME.fullmatch(name))


def public_host(app: Flask) -> str:
    """Our own address (``host[:port]``), from ``PUBLIC_BASE_URL``; ``localhost`` without it."""
    base = app.config.get("PUBLIC_BASE_URL")
    return urlsplit(base).netloc if base else "localhost"


# The machine itself (a health check run on the host, a local curl) may always ask.
LOOPBACK = ("localhost", "127.0.0.1", "::1")


def trusted_hosts(public_base_url: str, extra: list[str] | None) -> list[str]:
    """The host names production answers to: the public address's, loopback and ``extra``."""
    hostname = urlsplit(public_base_url).hostname
    return sorted({*LOOPBACK, *(extra or []), *([hostname] if hostname else [])})


class _RefusingAdapter(MapAdapter):
    """Builds links on our own address (the error page needs them) but matches nothing."""

    def match(self, *args, **kwargs):
        raise BadHost()


def url_adapter(app: Flask, request: Request, create) -> MapAdapter:
    """The request's URL adapter from ``create``, or a refusing one when its host is refused."""
    host = request.environ.get("HTTP_HOST")
    if host is None or well_formed(host):
        try:
            return create(request)
        except HTTPException:
            pass  # werkzeug refused the host (not trusted, or not encodable)
    fallback = public_host(app)
    request.host = fallback
    return _RefusingAdapter(app.url_map, fallback, request.root_path or "/", "",
                            request.scheme, request.path, request.method)
