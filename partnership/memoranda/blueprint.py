"""The memoranda blueprint, what it adds to the pages and life of a partnership, and the
helpers its two view modules (``views``, ``workflow_views``) share."""

import logging

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from ..core import hooks
from ..core.errors import render_error
from ..core.forms import ActionForm
from ..core.urls import id_or
from ..partnerships.views import PAGE_SECTIONS
from . import approvals, labels, services
from .seal import SealUnavailable

log = logging.getLogger(__name__)
bp = Blueprint("memoranda", __name__)


@bp.app_errorhandler(SealUnavailable)
def _no_seal(error: SealUnavailable):
    """An agreed text is never issued unsealed: without the platform's key the download waits
    (503, the page says to try later) and the log tells the administrator what to set."""
    log.error("a sealed memorandum PDF was asked for but cannot be sealed: %s", error)
    return render_error(503)


@bp.record_once
def _register(state) -> None:
    labels.register(state.app)
    approvals.register(state.app)
    hooks.add(state.app, PAGE_SECTIONS, "memoranda", partnership_section)


def partnership_section(partnership) -> dict:
    """The partnership page's memorandum part: the memoranda, the newest one's approvals."""
    found = services.memoranda_of(partnership)
    return {
        "memoranda": found,
        "memorandum_approvals": approvals.current_approvals(found[0]) if found else {},
        "memorandum_versions": services.latest(found[0]).number if found else 0,
        "memorandum_form": ActionForm(),
        "can_start_memorandum": services.can_start(current_user, partnership),
    }


def page_redirect(memorandum, **anchor):
    """To the memorandum's page (at ``anchor``)."""
    return redirect(url_for("memoranda.page", memorandum_id=memorandum.id, **anchor))


def base_version(form) -> int:
    """The version the person read, from the form (-1 when missing: a conflict)."""
    return id_or(form.base_version.data, -1)
