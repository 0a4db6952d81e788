"""What every template can use: languages, role-based navigation, labels, date formats."""

from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .access import allowed_roles
from .language import LANGUAGE_NAMES, in_language
from .roles import Role, role_label
from .sorting import aria_sort, sort_url, url_with
from .urls import is_web_url

# The menu: a few top-level entries, each a page (endpoint, label) or a group of pages (key,
# label, pages) that opens as a sub-menu. A page of a group may carry a third label, used when
# it is the only page of its group a user sees (the group then shows as that one link). Who
# sees an entry is who its view lets in: the roles the view declares with ``roles_required``
# (a view without them is open to every signed-in user), so the menu and the guards cannot
# drift apart. "My account" sits with the user's name, at the right of the menu.
NAVIGATION = (
    ("work.my_work", _l("My work")),
    ("organisations.directory_page", _l("Directory")),
    ("organisations.mine", _l("My organisation")),
    ("dashboard.page", _l("Dashboard")),
    ("organisations", _l("Organisations"), (
        ("verification.queue", _l("All organisations"), _l("Organisations")),
        ("verification.import_file", _l("Import")),
        ("outreach.package", _l("Cooperation package")),
    )),
    ("partnerships", _l("Partnerships"), (
        ("matching.curation_list", _l("Proposals")),
        ("partnerships.embassy_list", _l("All partnerships"), _l("Partnerships")),
        ("memoranda.template_versions", _l("Memorandum template")),
    )),
    ("programme", _l("People of the Future"), (
        ("programme.cases_list", _l("Children's cases"), _l("People of the Future")),
        ("programme.report", _l("Report"), _l("People of the Future: report")),
    )),
    ("programme.my_centre", _l("My centre's children")),
    ("administration", _l("Administration"), (
        ("admin.users", _l("Users")),
        ("admin.audit", _l("Audit log")),
    )),
)
VISITOR_NAVIGATION = (("organisations.directory_page", _l("Directory")),
                      ("organisations.register", _l("Register an organisation")))
ACCOUNT = "auth.account"
# Entries that also need something of the user beyond the role.
_ALSO_NEEDS = {"organisations.mine": lambda user: bool(user.organisation_id)}


def menu_endpoints() -> list[str]:
    """Every page the menu can offer, groups opened, with the account page."""
    endpoints = []
    for entry in NAVIGATION:
        endpoints += [page[0] for page in entry[2]] if len(entry) == 3 else [entry[0]]
    return [*endpoints, ACCOUNT]


def menu_roles(endpoint: str) -> frozenset | None:
    """The roles that see a menu entry: those its view declares (None: every signed-in user)."""
    return allowed_roles(current_app.view_functions[endpoint])


def sees_entry(user, endpoint: str) -> bool:
    """Whether a signed-in user's menu shows the entry for ``endpoint``."""
    roles = menu_roles(endpoint)
    return ((roles is None or user.role in roles)
            and _ALSO_NEEDS.get(endpoint, lambda _user: True)(user))


def _link(endpoint: str, label) -> dict:
    return {"url": url_for(endpoint), "label": label, "current": request.endpoint == endpoint}


def _in_words(entries: tuple) -> tuple:
    """The entries with every label a plain string in the current language."""
    return tuple(_in_words(part) if isinstance(part, tuple)
                 else part if isinstance(part, str) else str(part) for part in entries)


@in_language
def _menus(_language: str) -> tuple[tuple, tuple]:
    """Both menus in one language, put into words once: a lazy label finds its catalogue each
    time it is shown, and every page shows the menu."""
    return _in_words(NAVIGATION), _in_words(VISITOR_NAVIGATION)


def navigation() -> list[dict]:
    """The menu the current user sees: links, and groups (``children``) of two or more links;
    a group with one page the user may open shows as that page's link."""
    members, visitors = _menus()
    if not current_user.is_authenticated:
        return [_link(*entry) for entry in visitors]
    menu = []
    for entry in members:
        if len(entry) == 2:
            if sees_entry(current_user, entry[0]):
                menu.append(_link(*entry))
            continue
        key, label, pages = entry
        visible = [page for page in pages if sees_entry(current_user, page[0])]
        if len(visible) == 1:
            endpoint, *labels = visible[0]
            menu.append(_link(endpoint, labels[-1]))
        elif visible:
            children = [_link(page[0], page[1]) for page in visible]
            menu.append({"key": key, "label": label, "children": children,
                         "current": any(child["current"] for child in children)})
    return menu


def register(app: Flask) -> None:
    """Context processor and filters."""

    # Globals, not context: the macros of list pages (imported without context) use them.
    app.jinja_env.globals.update(url_with=url_with, sort_url=sort_url, aria_sort=aria_sort)

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
