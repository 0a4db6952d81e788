"""What every template can use: languages, role-based navigation, labels, date formats."""

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..i18n import LANGUAGE_NAMES
from .urls import is_web_url

ROLE_LABELS = {
    "org_member": _l("Organisation member"),
    "org_manager": _l("Organisation manager"),
    "centre_staff": _l("Rehabilitation centre staff"),
    "embassy_officer": _l("Embassy officer"),
    "programme_coordinator": _l("Programme coordinator"),
    "admin": _l("Administrator"),
}

# (endpoint, label, roles allowed; None means every signed-in user)
NAVIGATION = (
    ("organisations.directory_page", _l("Directory"), None),
    ("organisations.mine", _l("My organisation"), {"org_member", "org_manager"}),
    ("verification.queue", _l("Organisations"), {"embassy_officer", "admin"}),
    ("matching.curation_list", _l("Proposals"), {"embassy_officer", "admin"}),
    ("partnerships.embassy_list", _l("Partnerships"), {"embassy_officer", "admin"}),
    ("memoranda.template_versions", _l("Memorandum template"), {"embassy_officer", "admin"}),
    ("verification.import_file", _l("Import"), {"embassy_officer", "admin"}),
    ("programme.cases_list", _l("People of the Future"), {"programme_coordinator"}),
    ("programme.report", _l("People of the Future"), {"embassy_officer"}),
    ("programme.my_centre", _l("My centre's children"), {"centre_staff"}),
    ("admin.users", _l("Users"), {"admin"}),
    ("admin.audit", _l("Audit log"), {"admin"}),
    ("auth.account", _l("My account"), None),
)


def navigation() -> list[dict]:
    """The menu entries the current user may open."""
    if not current_user.is_authenticated:
        return [{"url": url_for("organisations.directory_page"), "label": NAVIGATION[0][1],
                 "current": request.endpoint == "organisations.directory_page"},
                {"url": url_for("organisations.register"), "label": _l("Register an organisation"),
                 "current": request.endpoint == "organisations.register"}]
    return [
        {"url": url_for(endpoint), "label": label,
         "current": request.endpoint == endpoint}
        for endpoint, label, roles in NAVIGATION
        if (roles is None or current_user.role in roles)
        and (endpoint != "organisations.mine" or current_user.organisation_id)
    ]


def register(app: Flask) -> None:
    """Context processor and filters."""

    @app.context_processor
    def globals_for_templates():
        return {
            "language_names": LANGUAGE_NAMES,
            "current_language": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "navigation": navigation,
            "role_label": lambda role: ROLE_LABELS.get(str(role), str(role)),
        }

    @app.template_filter("safe_href")
    def safe_href_filter(value):
        """A stored address as a link target only when it is http(s); "" (no link) otherwise."""
        return value if isinstance(value, str) and is_web_url(value) else ""

    @app.template_filter("date")
    def date_filter(value, style="medium"):
        return format_date(value, style) if value else ""

    @app.template_filter("number")
    def number_filter(value):
        return format_decimal(value) if value is not None else ""

    @app.template_filter("datetime")
    def datetime_filter(value, style="medium"):
        return format_datetime(value, style) if value else ""
