"""The hand-off chain in the browser, by visible labels: each step tells the next person (the
bell, the notification, the e-mail in the outbox) and shows in their "My work".

Kazakh manager: interest -> Ukrainian manager: told, answers from "My work" -> officer: "My work"
shows the mutual interest, vets -> both managers: told the partnership opened -> Ukrainian
manager starts the memorandum and submits it -> Kazakh manager and officer: told it waits for
their approval -> all three approve -> both managers: told it is agreed."""

import re

import pyotp
import pytest
from sqlalchemy import select

from partnership.core.models import OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching.services import propose_matches
from partnership.organisations.models import Country, Direction, Kind

from ..factories import ItemFactory, OrganisationFactory, UserFactory
from .conftest import screenshot, sign_in, t
from .test_memorandum_flow import approve

pytestmark = pytest.mark.e2e


def words(source: str, lang: str) -> str:
    """The longest fixed part of a message (the names filled into it vary)."""
    return max(re.split(r"%\(\w+\)[sd]", t(source, lang)), key=len).strip()


def told(page, base: str, lang: str, source: str):
    """The bell counts unread notifications and its list shows ``source``, unread; returns
    that notification. The handlers run once the response that caused it has gone, so the
    page is looked at again until they have."""
    text = words(source, lang)
    for _ in range(40):
        page.goto(base + "/my-work")
        if page.locator("a.bell .bell__count").count():
            assert int(page.locator("a.bell .bell__count").inner_text()) >= 1
            page.locator("a.bell").click()
            found = page.locator(".notification--unread", has_text=text)
            if found.count():
                return found.first
        page.wait_for_timeout(250)
    raise AssertionError(f"never told: {text!r}")


def my_work(page, base: str, lang: str, label: str):
    """Open "My work" through the menu and follow the entry ``label``."""
    page.goto(base + "/")
    page.get_by_role("link", name=t("My work", lang), exact=True).click()
    page.get_by_role("link", name=re.compile(re.escape(t(label, lang)))).click()
    page.wait_for_load_state()


def test_each_hand_off_tells_the_next_person(live_server, browser):
    ua = OrganisationFactory(kind=Kind.CHILDRENS_HOSPITAL, name_uk="Миколаївська дитяча лікарня",
                             name_kk="Николаев балалар ауруханасы",
                             name_en="Mykolaiv Children's Hospital")
    kz = OrganisationFactory(country=Country.KZ, kind=Kind.REHABILITATION_CENTRE,
                             name_uk="Реабілітаційний центр «Шанирак»",
                             name_kk="«Шаңырақ» оңалту орталығы",
                             name_en="Shanyrak Rehabilitation Centre",
                             languages=["kk", "ru", "en"])
    ItemFactory(organisation=ua, direction=Direction.NEED, area="paediatric_rehabilitation",
                urgency="high", quantity=8, languages=["uk", "en"],
                description="Навчання 8 реабілітологів роботі з дітьми після ампутацій")
    ItemFactory(organisation=kz, area="paediatric_rehabilitation", quantity=10,
                languages=["ru", "en"], description="Стажировка реабилитологов: дети после "
                "ампутаций, 4 недели")
    ua_manager = UserFactory(role=Role.ORG_MANAGER, organisation=ua, locale="uk")
    kz_manager = UserFactory(role=Role.ORG_MANAGER, organisation=kz, locale="kk")
    secret = pyotp.random_base32()
    officer = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret, locale="uk")
    propose_matches()
    db.session.commit()
    base = live_server.live_url
    kz_context, kz_page = sign_in(browser, base, kz_manager, "kk")
    ua_context, ua_page = sign_in(browser, base, ua_manager, "uk")
    officer_context, officer_page = sign_in(browser, base, officer, "uk", secret)

    # The Kazakh manager is interested: the Ukrainian manager is told, in the app and by e-mail.
    kz_page.get_by_role("link", name=t("My organisation", "kk")).click()
    kz_page.get_by_role("link", name=t("Proposed partners", "kk")).first.click()
    kz_page.locator(".match-card", has_text="Николаев").first.get_by_role(
        "button", name=t("We are interested", "kk")).click()
    kz_page.wait_for_load_state()
    told(ua_page, base, "uk", "%(partner)s is interested in a proposal")
    db.session.expire_all()
    assert db.session.scalars(select(OutboxEmail).where(
        OutboxEmail.recipient == ua_manager.email)).first() is not None

    # The Ukrainian manager answers from "My work"; the officer's "My work" shows it to vet.
    my_work(ua_page, base, "uk", "Interest from the other side waiting for your answer")
    ua_page.locator(".match-card", has_text="Шанирак").first.get_by_role(
        "button", name=t("We are interested", "uk")).click()
    ua_page.wait_for_load_state()
    told(officer_page, base, "uk", "A mutual interest waits for vetting")
    my_work(officer_page, base, "uk", "Mutual interests to vet")
    officer_page.get_by_role("button", name=t("Vet and open the partnership", "uk")).click()
    officer_page.get_by_text(t("Forming", "uk"), exact=True).first.wait_for()

    # Both managers are told the partnership opened; the Ukrainian one opens it from the bell.
    told(kz_page, base, "kk", "A partnership with %(partner)s has opened")
    opened = told(ua_page, base, "uk", "A partnership with %(partner)s has opened")
    opened.get_by_role("link").first.click()
    ua_page.get_by_role("button", name=t("Start the memorandum", "uk")).click()
    ua_page.wait_for_load_state()
    ua_page.get_by_role("button", name=t("Send for review", "uk")).click()
    ua_page.wait_for_load_state()
    approve(ua_page, "uk")

    # Submitted: the other manager and the officer are told it waits for their approval.
    for page, lang in ((kz_page, "kk"), (officer_page, "uk")):
        waiting = told(page, base, lang, "A memorandum waits for your approval")
        waiting.get_by_role("link").first.click()
        page.wait_for_load_state()
        approve(page, lang)

    # All three approved: both managers are told it is agreed.
    told(kz_page, base, "kk", "The memorandum of %(reference)s is agreed")
    told(ua_page, base, "uk", "The memorandum of %(reference)s is agreed")
    screenshot(ua_page, "handoff-agreed-uk")
    for context in (kz_context, ua_context, officer_context):
        context.close()
