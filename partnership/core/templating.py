"""What every template can use: languages, role-based navigation, labels, date formats."""

from flask import Flask, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..i18n import LANGUAGE_NAMES

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
    ("admin.users", _l("Users"), {"admin"}),
    ("admin.audit", _l("Audit log"), {"admin"}),
    ("auth.account", _l("My account"), None),
)


def navigation() -> list[dict]:
    """The menu entries the current user may open."""
    if not current_user.is_authenticated:
        return []
    return [
        {"url": url_for(endpoint), "label": label,
         "current": request.endpoint == endpoint}
        for endpoint, label, roles in NAVIGATION
        if roles is None or current_user.role in roles
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

    @app.template_filter("datetime")
    def datetime_filter(value, style="medium"):
        return format_datetime(value, style) if value else ""
