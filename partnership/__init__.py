"""The partnership platform: a Flask application built by ``create_app``."""

import logging
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as settings
from .core import hosts
from .core.files import instance_secret_key, private_folder, private_sqlite_file
from .extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


class Application(Flask):
    """Flask, but a request whose ``Host`` is refused still gets the normal 400 page."""

    def create_url_adapter(self, request):
        if request is None:
            return super().create_url_adapter(None)
        return hosts.url_adapter(self, request, super().create_url_adapter)


def create_app(config: dict | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, commands, error handlers."""
    config = dict(config or {})
    app = Application(
        __name__,
        instance_path=config.pop("INSTANCE_PATH", None) or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_settings(app, config)
    configure_logging(app)
    init_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_commands(app)
    register_error_handlers(app)
    register_request_hooks(app)
    register_unit_of_work(app)
    return app


def load_settings(app: Flask, overrides: dict) -> None:
    """Defaults of the environment, then environment variables, instance/config.py, overrides."""
    env = settings.environment_name(overrides.get("ENV_NAME"))
    app.config.from_object(settings.config_class(env))
    app.config.update(settings.from_environment())
    app.config.from_pyfile(str(Path(app.instance_path) / "config.py"), silent=True)
    app.config.update(overrides)
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        private_folder(instance)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'partnership.db'}"
    private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        if app.config["ENV_NAME"] == "production":
            raise RuntimeError(
                "SECRET_KEY is not set. In production set the SECRET_KEY environment variable "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        app.config["SECRET_KEY"] = instance_secret_key(instance)
    if app.config["ENV_NAME"] == "production" and not app.config.get("PUBLIC_BASE_URL"):
        # Links in e-mails and the QR codes of agreed memoranda must never take their host from
        # a request's Host header, which the client chooses.
        raise RuntimeError(
            "PUBLIC_BASE_URL is not set. In production set it to the address users open, "
            "for example https://partnerships.example.org."
        )
    if app.config["ENV_NAME"] == "production":
        # Any other Host gets a 400: the address users open, loopback, and TRUSTED_HOSTS.
        app.config["TRUSTED_HOSTS"] = hosts.trusted_hosts(app.config["PUBLIC_BASE_URL"],
                                                          app.config.get("TRUSTED_HOSTS"))


def configure_logging(app: Flask) -> None:
    """Log to stderr at the configured level and format (JSON in production), each message
    once."""
    from flask.logging import default_handler

    from .core import logs

    app.logger.setLevel(app.config["LOG_LEVEL"])
    logging.getLogger("partnership").setLevel(app.config["LOG_LEVEL"])
    # The app's logger is "partnership", the parent of every module's logger: Flask's own
    # handler on it printed each message a second time beside the root handler below.
    app.logger.removeHandler(default_handler)
    logs.configure(app)
    # Font subsetting for PDFs logs every table it reads at DEBUG: thousands of lines per render.
    logging.getLogger("fontTools").setLevel(max(logging.INFO, app.logger.level))
    # WeasyPrint reports each step of every PDF at INFO ("Step 1 - Fetching and parsing HTML").
    logging.getLogger("weasyprint.progress").setLevel(max(logging.WARNING, app.logger.level))


def init_extensions(app: Flask) -> None:
    """Bind the extension objects to this application."""
    from . import models  # noqa: F401 - every table joins the metadata
    from .auth.sessions import ServerSessionInterface
    from .core import request_tracking
    from .core.database import configure_engines
    from .core.language import install_template_gettext, select_locale, select_timezone

    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    request_tracking.init_app(app)  # outermost: request ids, timing, metrics
    db.init_app(app)
    configure_engines(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_template_gettext(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    app.session_interface = ServerSessionInterface()


def register_url_converters(app: Flask) -> None:
    """``<int:...>`` in every route stops at the largest id a column holds (then 404)."""
    from .core.urls import IdConverter

    app.url_map.converters["int"] = IdConverter


def register_unit_of_work(app: Flask) -> None:
    """One commit point per request; domain events go to the handlers listed in ``handlers``."""
    from . import handlers  # noqa: F401 - registers the event handlers
    from .core import unit_of_work
    from .matching import changes, page_cache
    from .organisations import directory_cache, fulltext

    unit_of_work.init_app(app)
    fulltext.follow_changes()   # the search index is rewritten with each commit that changes it
    changes.follow_changes()    # and the proposals' generation counts each change of them
    directory_cache.init_app(app)
    page_cache.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Attach each area's views."""
    from .admin.views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .core.metrics import bp as metrics_bp
    from .core.views import bp as core_bp
    from .dashboard.views import bp as dashboard_bp
    from .helpdesk.views import bp as helpdesk_bp
    from .matching.views import bp as matching_bp
    from .memoranda import verify_views, workflow_views  # noqa: F401 - routes on the blueprint
    from .memoranda import views as _memoranda_views  # noqa: F401 - routes on the blueprint
    from .memoranda.blueprint import bp as memoranda_bp
    from .notifications.views import bp as notifications_bp
    from .organisations.embassy_views import bp as verification_bp
    from .organisations.views import bp as organisations_bp
    from .outreach.views import bp as outreach_bp
    from .partnerships.views import bp as partnerships_bp
    from .programme.views import bp as programme_bp
    from .schedule.views import bp as schedule_bp
    from .work.views import bp as work_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(metrics_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(organisations_bp)
    app.register_blueprint(verification_bp, url_prefix="/embassy")
    app.register_blueprint(matching_bp)
    app.register_blueprint(partnerships_bp)
    app.register_blueprint(memoranda_bp)
    app.register_blueprint(programme_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(work_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(outreach_bp)
    app.register_blueprint(schedule_bp)
    app.register_blueprint(helpdesk_bp)


def register_commands(app: Flask) -> None:
    """Add the ``flask`` sub-commands."""
    from .cli import register
    from .schedule.commands import scheduler

    register(app)
    app.cli.add_command(scheduler)  # not one unit of work: each job it runs is one


def register_error_handlers(app: Flask) -> None:
    """Error pages in the user's language."""
    from .core.errors import register

    register(app)


def register_request_hooks(app: Flask) -> None:
    """Security headers, template helpers and the current-user loader."""
    from .auth.services import load_user
    from .core import confirm, security, templating
    from .matching import labels as matching_labels
    from .notifications import views as notifications
    from .organisations import labels

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # flash a plain, translated string
    login_manager.session_protection = None  # the server-side session is the protection
    security.register(app)
    confirm.register(app)
    templating.register(app)
    labels.register(app)
    matching_labels.register(app)
    notifications.register(app)
