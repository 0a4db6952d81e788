"""Deep pages say where they sit: a breadcrumb trail (a ``nav`` named "Breadcrumb", an ordered
list of links from the top, the page itself last with ``aria-current="page"``)."""

import re

from partnership.core.roles import Role
from partnership.organisations.models import Direction

from .. import factories_programme as fp
from ..factories import ItemFactory, OrganisationFactory
from ..factories_memoranda import World
from ..functional.test_memoranda_pages import signed_in


def trail(html: str) -> tuple[list[tuple[str, str]], str]:
    """The links of the page's breadcrumbs and the current page's name."""
    found = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumb">\s*<ol>(.*?)</ol>',
                      html, re.S)
    assert found, "no breadcrumbs"
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', found.group(1))
    current = re.findall(r'<li aria-current="page">([^<]+)</li>', found.group(1))
    assert len(current) == 1
    return links, current[0].strip()


def test_a_memorandum_diff_sits_under_partnership_memorandum_and_versions(app):
    world = World()
    memorandum = world.memorandum()
    client = signed_in(app, world.ua_manager)
    html = client.get(f"/memoranda/{memorandum.id}/diff?old=1&new=1&language=en",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    links, current = trail(html)
    assert links == [(f"/partnerships/{world.partnership.id}", "Partnership UA-KZ-2026-0001"),
                     (f"/memoranda/{memorandum.id}", "Memorandum"),
                     (f"/memoranda/{memorandum.id}/versions", "Versions of the memorandum")]
    assert current.startswith("What changed from version 1")
    links, current = trail(client.get(f"/memoranda/{memorandum.id}").get_data(as_text=True))
    assert [url for url, _ in links] == [f"/partnerships/{world.partnership.id}"]


def test_a_consent_form_sits_under_the_cases_and_its_case(client, login_as):
    coordinator = login_as(Role.PROGRAMME_COORDINATOR, locale="en")
    case = fp.new_case(coordinator)
    links, current = trail(client.get(f"/programme/cases/{case.id}/consents/new")
                           .get_data(as_text=True))
    assert links == [("/programme/cases", "Children's cases"),
                     (f"/programme/cases/{case.id}", f"Case {case.code}")]
    assert current


def test_an_item_form_sits_under_its_organisation(client, login_as):
    organisation = OrganisationFactory(name_en="Lviv Hospital")
    login_as(Role.ORG_MANAGER, organisation_id=organisation.id, locale="en")
    item = ItemFactory(organisation=organisation, direction=Direction.OFFER)
    html = client.get(f"/organisations/{organisation.id}/items/{item.id}/edit").get_data(
        as_text=True)
    links, current = trail(html)
    assert links == [(f"/organisations/{organisation.id}/manage", "Lviv Hospital")]
    assert current
