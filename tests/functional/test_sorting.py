"""Sortable, paginated lists: ``?sort=&order=`` against each list's whitelist, headers that are
links with ``aria-sort`` and an arrow, pages and filter forms that keep the filters and the
sort, names sorted in the page's language, and nonsense in the address harmless."""

import re
from datetime import timedelta

import pytest
from werkzeug.datastructures import MultiDict

from partnership.admin import services as admin_services
from partnership.auth.models import User
from partnership.core.database import utcnow
from partnership.core.models import AuditEvent
from partnership.core.roles import Role
from partnership.core.sorting import SortOrder, read_sort
from partnership.extensions import db
from partnership.matching.models import Match, MatchStatus
from partnership.organisations.models import Country, Direction, Status
from partnership.partnerships import services as partnership_services
from partnership.partnerships.models import Partnership, PartnershipStatus
from partnership.programme import cases as case_services

from .. import factories_programme as fp
from ..factories import ItemFactory, OrganisationFactory, UserFactory

# A control character is refused before any view (400, core/security.py); the rest is ignored.
NONSENSE = ["sort=password_hash", "sort=email;drop", "order=sideways", "sort=name&order=%00",
            "sort=&order=", "page=-3", "page=99999999999999999999", "sort[]=x&order[]=y",
            "sort=" + "x" * 5000]


@pytest.mark.parametrize(("args", "expected"), [
    ({}, SortOrder("time", True)),
    ({"sort": "who"}, SortOrder("who", False, chosen=True)),
    ({"sort": "who", "order": "desc"}, SortOrder("who", True, chosen=True)),
    ({"sort": "time"}, SortOrder("time", True, chosen=True)),  # the default keeps its way
    ({"sort": "time", "order": "asc"}, SortOrder("time", False, chosen=True)),
    ({"sort": "who", "order": "up"}, SortOrder("who", False, chosen=True)),
    ({"sort": "nobody"}, SortOrder("time", True)),
    ({"sort": "id; drop table", "order": "desc"}, SortOrder("time", True)),
])
def test_read_sort_takes_only_the_lists_columns(args, expected):
    assert read_sort(MultiDict(args), ("time", "who"), "time", descending=True) == expected


def _rows(html: str, pattern: str) -> list[str]:
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return re.findall(pattern, body)


def _header(html: str, label: str) -> str:
    """The <th> whose link text starts with ``label``."""
    for cell in re.findall(r"<th[^>]*>.*?</th>", html, re.S):
        if re.search(r">\s*" + re.escape(label), cell):
            return cell
    raise AssertionError(f"no header {label}")


def test_users_sort_by_each_column_both_ways_with_aria_sort(client, login_as):
    login_as(Role.ADMIN, email="admin@embassy.example", full_name="Mykola Admin")
    for email, name in (("b@x.example", "Alla"), ("c@x.example", "Bohdan"),
                        ("a@x.example", "Vira")):
        UserFactory(email=email, full_name=name)
    emails = r'<a href="/admin/users/\d+">([^<]+)</a>'
    page = client.get("/admin/users?q=x.example").get_data(as_text=True)
    assert _rows(page, emails) == ["a@x.example", "b@x.example", "c@x.example"]
    assert 'aria-sort="ascending"' in _header(page, "E-mail") and "▲" in _header(page, "E-mail")
    # the sorted column's link turns the order round and keeps the search
    assert "sort=email&amp;order=desc" in _header(page, "E-mail")
    assert "q=x.example" in _header(page, "E-mail")
    page = client.get("/admin/users?q=x.example&sort=email&order=desc").get_data(as_text=True)
    assert _rows(page, emails) == ["c@x.example", "b@x.example", "a@x.example"]
    assert 'aria-sort="descending"' in _header(page, "E-mail") and "▼" in _header(page, "E-mail")
    assert "aria-sort" not in _header(page, "Name")
    page = client.get("/admin/users?q=x.example&sort=name").get_data(as_text=True)
    assert _rows(page, emails) == ["b@x.example", "c@x.example", "a@x.example"]
    # the search form keeps the chosen sort
    assert '<input type="hidden" name="sort" value="name">' in page


def test_pages_keep_the_filter_and_the_sort(client, login_as, monkeypatch):
    monkeypatch.setattr(admin_services, "PAGE_SIZE", 2)
    login_as(Role.ADMIN, email="admin@embassy.example")
    for letter in "edcba":
        UserFactory(email=f"{letter}@x.example")
    emails = r'<a href="/admin/users/\d+">([^<]+)</a>'
    first = client.get("/admin/users?q=x.example&sort=email&order=desc").get_data(as_text=True)
    assert _rows(first, emails) == ["e@x.example", "d@x.example"]
    following = re.search(r'<a href="([^"]+)" rel="next">', first).group(1).replace("&amp;", "&")
    assert "q=x.example" in following and "sort=email" in following and "order=desc" in following
    second = client.get(following).get_data(as_text=True)
    assert _rows(second, emails) == ["c@x.example", "b@x.example"]
    previous = re.search(r'<a href="([^"]+)" rel="prev">', second).group(1)
    assert "sort=email" in previous and "q=x.example" in previous


def test_the_audit_log_sorts_newest_first_by_default_and_by_action(client, login_as):
    admin = login_as(Role.ADMIN)
    now = utcnow()
    for minutes, action in ((3, "zeta.done"), (2, "alpha.done"), (1, "mid.done")):
        db.session.add(AuditEvent(at=now - timedelta(days=400, minutes=minutes), action=action,
                                  actor_id=admin.id, details={}))
    db.session.commit()
    actions = r"<code>([a-z]+\.done)</code>"
    page = client.get("/admin/audit").get_data(as_text=True)
    assert _rows(page, actions) == ["mid.done", "alpha.done", "zeta.done"]
    assert 'aria-sort="descending"' in _header(page, "Time")
    page = client.get("/admin/audit?sort=action").get_data(as_text=True)
    assert _rows(page, actions) == ["alpha.done", "mid.done", "zeta.done"]
    page = client.get("/admin/audit?sort=time&order=asc").get_data(as_text=True)
    assert _rows(page, actions) == ["zeta.done", "alpha.done", "mid.done"]


def _named(uk: str, en: str, **fields):
    return OrganisationFactory(name_uk=uk, name_en=en, name_kk=None, **fields)


@pytest.mark.parametrize(("language", "expected"), [
    ("uk", ["Альфа", "Бета", "Вега"]),
    ("en", ["Alpha", "Beta", "Gamma"]),
])
def test_the_officers_list_sorts_names_in_the_pages_language(client, login_as, language,
                                                             expected):
    login_as(Role.EMBASSY_OFFICER, locale=language)
    _named("Бета", "Gamma", status=Status.PENDING)
    _named("Альфа", "Beta", status=Status.PENDING)
    _named("Вега", "Alpha", status=Status.PENDING)
    names = r'<a href="/embassy/organisations/\d+">([^<]+)</a>'
    page = client.get("/embassy/organisations?status=pending&sort=name").get_data(as_text=True)
    assert _rows(page, names) == expected
    page = client.get("/embassy/organisations?status=pending&sort=name&order=desc")
    assert _rows(page.get_data(as_text=True), names) == expected[::-1]
    # the status tabs keep the sort
    assert "status=verified&amp;sort=name&amp;order=desc" in page.get_data(as_text=True)


def test_capitals_do_not_sort_apart_in_cyrillic_either(client, login_as):
    """«бета» between «Альфа» and «Вега» on both databases (SQLite's own lower() folds ASCII
    only: it put every lower-case Cyrillic name after every capitalised one)."""
    login_as(Role.EMBASSY_OFFICER, locale="uk")
    for name in ("Вега", "бета", "Альфа", "ґанок"):
        _named(name, "x", status=Status.PENDING)
    names = r'<a href="/embassy/organisations/\d+">([^<]+)</a>'
    page = client.get("/embassy/organisations?status=pending&sort=name").get_data(as_text=True)
    assert _rows(page, names)[:3] == ["Альфа", "бета", "Вега"]


def test_the_directory_sorts_by_name_and_keeps_the_filters(client):
    _named("Бета", "Gamma", country=Country.KZ)
    _named("Альфа", "Beta")
    _named("Вега", "Alpha", country=Country.KZ)
    names = r'<h2><a href="/organisations/\d+">([^<]+)</a></h2>'
    page = client.get("/organisations?sort=name",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.findall(names, page) == ["Alpha", "Beta", "Gamma"]
    page = client.get("/organisations?country=KZ&sort=name&order=desc",
                      headers={"Accept-Language": "uk"}).get_data(as_text=True)
    assert re.findall(names, page) == ["Бета", "Вега"][::-1]
    assert '<input type="hidden" name="sort" value="name">' in page
    choices = page[page.index('class="sort-choices"'):]
    assert re.search(r'href="/organisations\?country=KZ&amp;sort=name&amp;order=asc"', choices)
    assert re.search(r'order=desc"\s+aria-current="true"', choices)


def test_the_embassys_partnerships_sort_and_page(client, login_as, monkeypatch):
    monkeypatch.setattr(partnership_services, "PAGE_SIZE", 2)
    login_as(Role.EMBASSY_OFFICER, locale="en")
    for number, (status, ua_name) in enumerate(((PartnershipStatus.ACTIVE, "Charlie"),
                                                (PartnershipStatus.FORMING, "Alpha"),
                                                (PartnershipStatus.SIGNED, "Bravo")), 1):
        ua, kz = _named("Х", ua_name), _named("Қ", "K", country=Country.KZ)
        db.session.add(Partnership(reference=f"UA-KZ-2026-000{number}", status=status,
                                   ukrainian_organisation_id=ua.id, kazakh_organisation_id=kz.id))
    db.session.commit()
    references = r'<a href="/partnerships/\d+">([^<]+)</a>'
    page = client.get("/embassy/partnerships?sort=ukrainian").get_data(as_text=True)
    assert _rows(page, references) == ["UA-KZ-2026-0002", "UA-KZ-2026-0003"]
    assert "sort=ukrainian" in re.search(r'<a href="([^"]+)" rel="next">', page).group(1)
    page = client.get("/embassy/partnerships?sort=ukrainian&page=2").get_data(as_text=True)
    assert _rows(page, references) == ["UA-KZ-2026-0001"]
    # the status in the order of its lifecycle: forming, signed, active
    page = client.get("/embassy/partnerships?sort=status").get_data(as_text=True)
    assert _rows(page, references) == ["UA-KZ-2026-0002", "UA-KZ-2026-0003"]
    page = client.get("/embassy/partnerships?sort=status&order=desc").get_data(as_text=True)
    assert _rows(page, references) == ["UA-KZ-2026-0001", "UA-KZ-2026-0003"]


def test_the_embassys_proposals_sort_by_name_score_and_status_keeping_the_filters(
        client, login_as):
    login_as(Role.EMBASSY_OFFICER, locale="en")
    kazakh = _named("Қ", "Kazakh clinic", country=Country.KZ)
    offer = ItemFactory(organisation=kazakh, direction=Direction.OFFER)
    for ua_name, score, status in (("Charlie", 0.9, MatchStatus.VETTED),
                                   ("Alpha", 0.5, MatchStatus.MUTUALLY_ACCEPTED),
                                   ("Bravo", 0.7, MatchStatus.PROPOSED)):
        need = ItemFactory(organisation=_named("Х", ua_name), direction=Direction.NEED)
        db.session.add(Match(need_id=need.id, offer_id=offer.id, score=score, status=status,
                             need_organisation_id=need.organisation_id,
                             offer_organisation_id=kazakh.id, need_version=need.updated_at,
                             offer_version=offer.updated_at))
    db.session.commit()
    names = r'<a href="/embassy/matches/\d+">([^<]+)</a>'
    page = client.get("/embassy/matches").get_data(as_text=True)
    assert _rows(page, names) == ["Charlie", "Bravo", "Alpha"]     # best first by default
    assert 'aria-sort="descending"' in _header(page, "Score")
    page = client.get("/embassy/matches?sort=need").get_data(as_text=True)
    assert _rows(page, names) == ["Alpha", "Bravo", "Charlie"]
    assert 'aria-sort="ascending"' in _header(page, "Need")
    # the status in the order of its lifecycle: proposed, both interested, vetted
    page = client.get("/embassy/matches?sort=status&order=desc").get_data(as_text=True)
    assert _rows(page, names) == ["Charlie", "Alpha", "Bravo"]
    # a filter keeps the sort, and the headers keep the filter
    page = client.get("/embassy/matches?country=UA&sort=need&order=desc").get_data(as_text=True)
    assert _rows(page, names) == ["Charlie", "Bravo", "Alpha"]
    assert '<input type="hidden" name="sort" value="need">' in page
    assert "country=UA" in re.search(r'<a href="([^"]+)">Score', page).group(1)


def test_the_case_list_sorts_pages_and_keeps_the_filter(client, login_as, monkeypatch):
    monkeypatch.setattr(case_services, "CASES_PER_PAGE", 2)
    coordinator = login_as(Role.PROGRAMME_COORDINATOR)
    made = [fp.new_case(coordinator, birth_year=utcnow().year - age) for age in (8, 12, 10)]
    codes = r"<code>([A-Z0-9-]+)</code>"
    by_age = sorted(made, key=lambda case: case.birth_year)
    page = client.get("/programme/cases?state=referred&sort=born").get_data(as_text=True)
    assert _rows(page, codes) == [case.code for case in by_age[:2]]
    following = re.search(r'<a href="([^"]+)" rel="next">', page).group(1)
    assert "state=referred" in following and "sort=born" in following
    page = client.get(following.replace("&amp;", "&")).get_data(as_text=True)
    assert _rows(page, codes) == [by_age[2].code]
    page = client.get("/programme/cases?sort=code&order=desc").get_data(as_text=True)
    assert _rows(page, codes) == sorted((case.code for case in made), reverse=True)[:2]
    assert '<input type="hidden" name="sort" value="code">' in page


@pytest.mark.parametrize("path", ["/admin/users", "/admin/audit"])
@pytest.mark.parametrize("query", NONSENSE)
def test_nonsense_in_the_address_is_harmless_for_the_admin(client, login_as, path, query):
    login_as(Role.ADMIN)
    assert client.get(f"{path}?{query}").status_code == (400 if "%00" in query else 200)


@pytest.mark.parametrize("path", ["/embassy/organisations", "/embassy/partnerships",
                                  "/embassy/matches"])
@pytest.mark.parametrize("query", NONSENSE)
def test_nonsense_in_the_address_is_harmless_for_the_officer(client, login_as, path, query):
    login_as(Role.EMBASSY_OFFICER)
    assert client.get(f"{path}?{query}").status_code == (400 if "%00" in query else 200)


@pytest.mark.parametrize("query", NONSENSE)
def test_nonsense_in_the_address_is_harmless_elsewhere(client, login_as, query):
    OrganisationFactory()
    assert client.get(f"/organisations?{query}").status_code == (400 if "%00" in query else 200)
    login_as(Role.PROGRAMME_COORDINATOR)
    assert client.get(f"/programme/cases?{query}").status_code == (
        400 if "%00" in query else 200)


def test_users_are_not_a_sort_key_for_secrets():
    assert "password_hash" not in admin_services.USER_SORTS
    assert User.password_hash is not None  # the column exists; the whitelist keeps it out


def test_a_memoranda_versions_sort_by_number_and_author(client):
    from ..conftest import log_in
    from ..factories_memoranda import World
    from .test_memoranda import edit

    world = World()
    memorandum = world.memorandum()       # version 1, by whoever started it
    edit(world.kz_manager, memorandum)    # 2, Айгерим Сапарова
    edit(world.ua_manager, memorandum)    # 3, Оксана Мельник
    edit(world.kz_manager, memorandum)    # 4, Айгерим Сапарова
    log_in(client, world.ua_manager)
    path = f"/memoranda/{memorandum.id}/versions"
    numbers = r'<td><a href="/memoranda/\d+\?version=(\d+)">'
    page = client.get(path).get_data(as_text=True)
    assert _rows(page, numbers) == ["4", "3", "2", "1"]          # newest first by default
    assert 'aria-sort="descending"' in _header(page, "Version")
    page = client.get(path + "?sort=number&order=asc").get_data(as_text=True)
    assert _rows(page, numbers) == ["1", "2", "3", "4"]
    page = client.get(path + "?sort=author").get_data(as_text=True)
    rows = _rows(page, numbers)
    assert rows.index("2") < rows.index("4") < rows.index("3")   # Айгерим before Оксана
    assert 'aria-sort="ascending"' in _header(page, "By")
    # the compare form still offers the newest version first, whatever the table's order
    assert re.search(r'<select class="input" id="new" name="new"><option value="4" selected>',
                     page)
