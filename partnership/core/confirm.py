"""Confirmation before a destructive action, with or without JavaScript.

A button that destroys or ends something carries its sentence (naming the object and what
follows) twice: in ``data-confirm``, which ``static/js/app.js`` shows as a dialog and, on "OK",
adds ``confirmed=1`` to the form; and in a hidden ``confirm_text`` field (or as the value of the
clicked button named ``confirm_text``). A POST that carries ``confirm_text`` without
``confirmed=1`` (a browser without JavaScript) does nothing: it answers with a page that
repeats the sentence and posts the same fields again with ``confirmed=1``. The view itself, with
all its checks, runs only then. Views whose danger depends on the values (deactivating an
account in the account form) call ``ask`` themselves.
"""

from urllib.parse import urlsplit

from flask import Flask, render_template, request, url_for
from flask_babel import gettext as _

CONFIRM_TEXT = "confirm_text"
CONFIRM_LABEL = "confirm_label"
CONFIRMED = "confirmed"
NOT_REPEATED = {CONFIRM_TEXT, CONFIRM_LABEL, CONFIRMED, "csrf_token"}
MAX_TEXT = 600


def is_confirmed() -> bool:
    return request.form.get(CONFIRMED) == "1"


def ask(message: str, label: str = ""):
    """The confirmation page for this POST: ``message``, a button that sends the same fields
    again with ``confirmed=1``, and a way back."""
    fields = [(name, value) for name, values in request.form.lists() if name not in NOT_REPEATED
              for value in values]
    return render_template("core/confirm.html", message=message[:MAX_TEXT],
                           label=(label or _("Yes, go ahead"))[:120], action=request.path,
                           fields=fields, back=_back())


def _back() -> str:
    """Where "Cancel" leads: the page the button was on, when it is one of ours."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if referrer and parts.netloc == request.host and parts.scheme in ("http", "https"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for("core.home")


def register(app: Flask) -> None:
    """Ask before any POST that a confirming button sent unconfirmed (after the CSRF check,
    which Flask-WTF runs in an earlier hook)."""

    @app.before_request
    def confirm_first():
        if request.method != "POST" or is_confirmed():
            return None
        text = request.form.get(CONFIRM_TEXT, "").strip()
        if not text:
            return None
        return ask(text, request.form.get(CONFIRM_LABEL, "").strip())
