"""The landing page, the language switch, the health check and the readiness check."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from . import readiness, unit_of_work
from .language import set_locale
from .urls import safe_next

bp = Blueprint("core", __name__)


@bp.route("/")
def home():
    return render_template("core/home.html")


@bp.route("/language", methods=["POST"])
def set_language():
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            set_locale(current_user, language)
    return redirect(safe_next(request.form.get("next"), url_for("core.home")))


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(select(1))
    except SQLAlchemyError:
        unit_of_work.abandon()
        current_app.logger.exception("health check: the database does not answer")
        return {"status": "unavailable", "database": "down"}, 503
    return {"status": "ok", "database": "up"}, 200


@bp.route("/readyz")
def readyz():
    """Ready to serve: database, migrations at head, Redis, scheduler, identity keys
    (``core.readiness``). ``/healthz`` stays the cheap liveness check."""
    return readiness.report()
