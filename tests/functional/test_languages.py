"""Ukrainian by default, Kazakh and English on request; the choice sticks."""

from datetime import UTC, datetime

import pytest
from flask_babel import format_date, format_decimal

from partnership.core.roles import Role
from partnership.extensions import db

from ..conftest import post_form

TITLES = {"uk": "Увійти", "kk": "Кіру", "en": "Sign in"}


def test_ukrainian_is_the_default(client):
    html = client.get("/", headers={"Accept-Language": ""}).get_data(as_text=True)
    assert '<html lang="uk">' in html


@pytest.mark.parametrize(("header", "lang"), [("kk", "kk"), ("en-GB,en;q=0.8", "en"),
                                               ("de, kk;q=0.5", "kk"), ("fr", "uk")])
def test_accept_language_is_honoured_for_visitors(client, header, lang):
    html = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html


def test_the_switch_changes_the_language_of_every_page(client):
    response = post_form(client, "/language", {"language": "kk", "next": "/login"})
    assert response.headers["Location"] == "/login"
    html = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="kk">' in html
    assert TITLES["kk"] in html


def test_the_choice_is_stored_for_signed_in_users(app, client, login_as):
    user = login_as(Role.ORG_MEMBER)
    post_form(client, "/language", {"language": "en"})
    db.session.refresh(user)
    assert user.locale == "en"
    other = app.test_client()  # another device: the account remembers
    from ..conftest import log_in

    log_in(other, user)
    assert '<html lang="en">' in other.get("/account").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    post_form(client, "/language", {"language": "xx"})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)  # from Accept-Language


def test_every_page_has_the_switch(client):
    for path in ("/", "/login", "/password/reset", "/no-such-page"):
        html = client.get(path).get_data(as_text=True)
        assert 'action="/language"' in html
        for code in ("uk", "kk", "en"):
            assert f'value="{code}"' in html


@pytest.mark.parametrize(("lang", "month"), [("uk", "листопада"), ("kk", "қараша"),
                                             ("en", "November")])
def test_dates_and_numbers_are_localised(app, lang, month):
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        assert month in format_date(datetime(2026, 11, 26, tzinfo=UTC), "long")
        formatted = format_decimal(1234567.5)
    assert formatted == {"uk": "1\xa0234\xa0567,5", "kk": "1\xa0234\xa0567,5",
                         "en": "1,234,567.5"}[lang]


@pytest.mark.parametrize(("lang", "header", "person"), [("uk", "Організація", "Ім’я"),
                                                         ("kk", "Ұйым", "Аты-жөні")])
def test_the_officers_list_heads_the_organisations_column_as_organisations(
        app, client, login_as, lang, header, person):
    """An organisation's name is not a person's name ("Ім’я", "Аты-жөні")."""
    from partnership.organisations.models import Status

    from ..factories import OrganisationFactory

    OrganisationFactory(status=Status.PENDING)
    login_as(Role.EMBASSY_OFFICER, locale=lang)
    page = client.get("/embassy/organisations").get_data(as_text=True)
    assert f'<a href="/embassy/organisations?sort=name&amp;order=asc">{header}<span' in page
    assert f">{person}<" not in page


def test_labels_and_template_strings_follow_a_forced_language_and_come_back(app):
    """Pages read the chosen locale straight from Flask-Babel's keeping (core.language
    .locale_now); an e-mail composed in its reader's language (force_locale) inside a page's
    request must still get that language's words, and the page its own after."""
    from flask_babel import force_locale

    from partnership.core.language import current_language

    kind_label = app.jinja_env.globals["kind_label"]
    say = app.jinja_env.from_string("{{ _('Sign in') }} · {{ kind_label('hospital') }}")
    with app.test_request_context("/", headers={"Accept-Language": "uk"}):
        assert (current_language(), str(kind_label("hospital"))) == ("uk", "Лікарня")
        with force_locale("kk"):
            assert current_language() == "kk"
            assert say.render() == "Кіру · Аурухана"
            with force_locale("en"):
                assert say.render() == "Sign in · Hospital"
            assert say.render() == "Кіру · Аурухана"
        assert say.render() == "Увійти · Лікарня"
