"""Absolute links for e-mails and QR codes: from ``PUBLIC_BASE_URL``, never a request's Host."""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for

# Where `make run` serves; links from commands point here in development.
DEVELOPMENT_ADDRESS = "http://127.0.0.1:5000"


def external_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails, from a request or from ``PUBLIC_BASE_URL`` in the CLI."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base and not has_request_context():
        if current_app.config["ENV_NAME"] == "production":
            raise RuntimeError("Set PUBLIC_BASE_URL: e-mails sent from commands need it.")
        base = DEVELOPMENT_ADDRESS
    if base:
        parts = urlsplit(base)
        adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                           url_scheme=parts.scheme or "https")
        return adapter.build(endpoint, values, force_external=True)
    return url_for(endpoint, _external=True, **values)
