"""The interface language: which one a request is served in, a user's own, and switching it."""

from functools import wraps

from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_login import current_user

from .services import ServiceError

LANGUAGE_NAMES = {"uk": "Українська", "kk": "Қазақша", "en": "English"}
TIMEZONES = {"uk": "Europe/Kyiv", "kk": "Asia/Almaty", "en": "Asia/Almaty"}


def select_locale() -> str:
    """The signed-in user's choice, else the visitor's choice, else Accept-Language, else uk."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user_locale = getattr(current_user, "locale", None) if _user_known() else None
    for candidate in (user_locale, session.get("language")):
        if candidate in languages:
            return candidate
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Kyiv time for Ukrainian, Kazakhstan time otherwise."""
    return TIMEZONES.get(select_locale(), current_app.config["BABEL_DEFAULT_TIMEZONE"])


def locale_now():
    """Flask-Babel's ``get_locale()``, read straight from where Flask-Babel keeps the locale once
    chosen (``g._flask_babel.babel_locale``; ``force_locale`` sets it there too) when it is
    there, else asked of Flask-Babel. A page asks for it several hundred times (every label,
    reason and template string); ``get_locale`` looks the context up three times a call, about
    a fifth of a proposals page's rendering."""
    try:
        locale = g._flask_babel.babel_locale
    except (AttributeError, RuntimeError):   # not chosen yet, or outside an application
        return get_locale()
    return locale if locale is not None else get_locale()


def current_language() -> str:
    """The language the current page (or e-mail being composed) is written in: the locale's
    language code (the platform's locales have no territory), read without formatting the
    locale, as a page asks for it a few hundred times."""
    locale = locale_now()
    return locale.language if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]


def in_language(build):
    """``build()`` worked out once per language and kept: the labels of stored codes change only
    with a release, and a directory page asks for about 200 of them (each a catalogue lookup
    otherwise). Callers get the same object each time and must not change it."""
    made: dict[str, object] = {}

    @wraps(build)
    def cached():
        language = current_language()
        found = made.get(language)
        if found is None:
            found = made[language] = build(language)
        return found

    return cached


def language_of(user) -> str:
    """The language a user reads: their own choice, else the platform's default."""
    return getattr(user, "locale", None) or current_app.config["BABEL_DEFAULT_LOCALE"]


def set_locale(user, locale: str) -> None:
    """Remember the user's interface language."""
    if locale not in current_app.config["LANGUAGES"]:
        raise ServiceError(_("This language is not available."))
    user.locale = locale


def _user_known() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except RuntimeError:
        return False


def install_template_gettext(app) -> None:
    """Templates translate through the catalogue of the current locale, found with one lookup
    of the locale per string. Flask-Babel's own callables look the request's context up four
    times and format the locale's name for every string: 10 µs a string in a template, 6 µs
    this way, and a proposals page asks for several hundred. The catalogues are the ones
    Flask-Babel loads and keeps; ``force_locale`` (e-mails, the memorandum's three languages)
    is honoured, as the locale is read each time."""
    catalogues = {}

    def translations():
        locale = locale_now()
        if locale is None:   # outside a request: Flask-Babel's (untranslated) answer
            return get_translations()
        try:
            return catalogues[locale]
        except KeyError:
            return catalogues.setdefault(locale, get_translations())

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
