"""Sorting a table in the browser: a click on a header sorts by it, a second click turns the
order round, the header says which (aria-sort, an arrow), and the filter stays."""

import pyotp
import pytest

from partnership.core.roles import Role
from partnership.organisations.models import Status

from ..factories import OrganisationFactory, UserFactory
from .conftest import screenshot, sign_in, t

pytestmark = pytest.mark.e2e


def test_the_officer_sorts_the_organisations_by_name(live_server, browser):
    secret = pyotp.random_base32()
    officer = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret, locale="uk")
    for uk in ("Бета", "Альфа", "Вега"):
        OrganisationFactory(name_uk=uk, status=Status.PENDING)
    OrganisationFactory(name_uk="Гамма", status=Status.VERIFIED)
    base = live_server.live_url
    context, page = sign_in(browser, base, officer, "uk", secret)
    page.goto(base + "/embassy/organisations?status=pending")
    table = page.get_by_role("table")
    header = table.get_by_role("columnheader", name=t("Organisation", "uk"))
    assert header.get_attribute("aria-sort") is None
    header.get_by_role("link").click()
    page.wait_for_url("**sort=name**")
    names = table.locator("tbody td:first-child")
    assert names.all_inner_texts() == ["Альфа", "Бета", "Вега"]
    header = table.get_by_role("columnheader", name=t("Organisation", "uk"))
    assert header.get_attribute("aria-sort") == "ascending" and "▲" in header.inner_text()
    screenshot(page, "table-officer-organisations-uk-1280")
    header.get_by_role("link").click()
    page.wait_for_url("**order=desc**")
    assert names.all_inner_texts() == ["Вега", "Бета", "Альфа"]
    assert "status=pending" in page.url
    context.close()
