"""The menu offers a page to exactly the roles its view lets in: both read the same roles."""

import re

import pytest
from flask import url_for

from partnership.core.roles import Role
from partnership.core.templating import menu_endpoints, menu_roles, sees_entry

from ..conftest import post_form
from ..factories import OrganisationFactory

ENDPOINTS = menu_endpoints()


def _sign_in(login_as, role: Role):
    # People of organisations and centre staff belong to one: their pages need it.
    fields = {}
    if role in (Role.ORG_MEMBER, Role.ORG_MANAGER, Role.CENTRE_STAFF):
        fields["organisation_id"] = OrganisationFactory().id
    return login_as(role.value, **fields)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_menu_entry_opens_for_the_roles_that_see_it_and_refuses_the_others(
        app, client, login_as, role):
    user = _sign_in(login_as, role)
    menu = _menu_of(app, user)
    for endpoint in ENDPOINTS:
        with app.test_request_context():
            path = url_for(endpoint)
        response = client.get(path)
        if path in menu:
            assert response.status_code in (200, 302), (endpoint, response.status_code)
            if response.status_code == 302:  # a redirect into the area, never to the log-in
                assert "/login" not in response.headers["Location"], endpoint
        else:
            assert response.status_code in (403, 404), (endpoint, response.status_code)


def _menu_of(app, user) -> set[str]:
    with app.test_request_context():
        return {url_for(endpoint) for endpoint in ENDPOINTS if sees_entry(user, endpoint)}


def test_the_page_shows_the_entries_the_menu_computes(app, client, login_as):
    user = _sign_in(login_as, Role.EMBASSY_OFFICER)
    page = client.get("/").get_data(as_text=True)
    for path in _menu_of(app, user):
        assert f'href="{path}"' in page, path


def test_the_menu_reads_the_roles_the_views_declare(app):
    with app.app_context():
        assert menu_roles("admin.users") == frozenset({Role.ADMIN})
        assert menu_roles("verification.queue") == frozenset({Role.EMBASSY_OFFICER, Role.ADMIN})
        assert menu_roles("programme.report") == frozenset(
            {Role.PROGRAMME_COORDINATOR, Role.EMBASSY_OFFICER})
        assert menu_roles("auth.account") is None  # every signed-in user


def test_groups_are_disclosure_buttons_that_control_their_lists(client, login_as):
    _sign_in(login_as, Role.EMBASSY_OFFICER)
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    buttons = re.findall(r'<button type="button" class="menu-group__toggle" '
                         r'aria-expanded="false" aria-controls="([a-z-]+)">([^<]+)<', page)
    assert [label for _id, label in buttons] == ["Organisations", "Partnerships"]
    for list_id, _label in buttons:
        assert f'<ul class="menu-group__list" id="{list_id}"' in page
    assert 'class="site-nav__toggle" aria-expanded="false" aria-controls="site-menu"' in page
    assert 'id="site-menu"' in page
    # the officer sees one page of the programme: a plain link, named for what it is
    assert re.search(r'<a href="/programme/report">People of the Future: report</a>', page)


def test_a_visitors_menu_names_the_directory(client):
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    menu = page[page.index('id="site-menu"'):page.index("</nav>", page.index('id="site-menu"'))]
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', menu) == [
        ("/organisations", "Directory"), ("/register", "Register an organisation")]


def test_the_menu_is_in_the_language_of_each_page(client, login_as):
    """The menu's words are kept per language: each page shows them in its own."""
    login_as(Role.ORG_MANAGER.value, organisation_id=OrganisationFactory().id)
    said = {}
    for language in ("uk", "kk", "en", "uk"):
        post_form(client, "/language", {"language": language, "next": "/help"})
        page = client.get("/help").get_data(as_text=True)
        menu = page[page.index('id="site-menu"'):page.index("</nav>", page.index('id="site-menu"'))]
        said[language] = re.findall(r'<a href="/my-work"[^>]*>([^<]+)</a>', menu)
    assert said == {"uk": ["Мої справи"], "kk": ["Менің істерім"], "en": ["My work"]}
