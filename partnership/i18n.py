"""Which language and time zone a request is served in."""

from flask import current_app, has_request_context, request, session
from flask_login import current_user

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


def _user_known() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except RuntimeError:
        return False
