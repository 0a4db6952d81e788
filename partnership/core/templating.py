"""What every template can use: languages, role-based navigation, labels, date formats."""

from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .access import allowed_roles
from .language import LANGUAGE_NAMES
from .roles import Role, role_label
from .urls import is_web_url

# The menu: (endpoint, label). Who sees an entry is who its view lets in: the roles the view
# declares with ``roles_required`` (a view without them is open to every signed-in user), so
# the menu and the guards cannot drift apart.
NAVIGATION = (
    ("work.my_work", _l("My work")),
    ("organisations.directory_page", _l("Directory")),
    ("organisations.mine", _l("My organisation")),
    ("dashboard.page", _l("Dashboard")),
    ("verification.queue", _l("Organisations")),
    ("matching.curation_list", _l("Proposals")),
    ("partnerships.embassy_list", _l("Partnerships")),
    ("memoranda.template_versions", _l("Memorandum template")),
    ("verification.import_file", _l("Import")),
    ("outreach.package", _l("Cooperation package")),
    ("programme.cases_list", _l("People of the Future")),
    ("programme.report", _l("People of the Future: report")),
    ("programme.my_centre", _l("My centre's children")),
    ("admin.users", _l("Users")),
    ("admin.audit", _l("Audit log")),
    ("auth.account", _l("My account")),
)
# Entries that also need something of the user beyond the role.
_ALSO_NEEDS = {"organisations.mine": lambda user: bool(user.organisation_id)}


def menu_roles(endpoint: str) -> frozenset | None:
    """The roles that see a menu entry: those its view declares (None: every signed-in user)."""
    return allowed_roles(current_app.view_functions[endpoint])


def sees_entry(user, endpoint: str) -> bool:
    """Whether a signed-in user's menu shows the entry for ``endpoint``."""
    roles = menu_roles(endpoint)
    return ((roles is None or user.role in roles)
            and _ALSO_NEEDS.get(endpoint, lambda _user: True)(user))


def navigation() -> list[dict]:
    """The menu entries the current user may open."""
    if not current_user.is_authenticated:
        return [{"url": url_for("organisations.directory_page"), "label": NAVIGATION[0][1],
                 "current": request.endpoint == "organisations.directory_page"},
                {"url": url_for("organisations.register"), "label": _l("Register an organisation"),
                 "current": request.endpoint == "organisations.register"}]
    return [
        {"url": url_for(endpoint), "label": label, "current": request.endpoint == endpoint}
        for endpoint, label in NAVIGATION if sees_entry(current_user, endpoint)
    ]


def register(app: Flask) -> None:
    """Context processor and filters."""

    @app.context_processor
    def globals_for_templates():
        return {
            "language_names": LANGUAGE_NAMES,
            "current_language": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "navigation": navigation,
            "role_label": role_label,
            "Role": Role,  # templates compare with the enum, never a role's spelling
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
