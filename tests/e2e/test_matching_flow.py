"""Two managers, one per country, go from a proposal to mutual interest; an officer vets it
and the partnership page opens."""

import pyotp
import pytest

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching.services import propose_matches
from partnership.organisations.models import Country, Direction, Form, Kind

from ..factories import ItemFactory, OrganisationFactory, UserFactory
from .conftest import screenshot, sign_in, t

pytestmark = pytest.mark.e2e


def show_interest(browser, base, manager, lang, partner_name, shot):
    context, page = sign_in(browser, base, manager, lang)
    page.get_by_role("link", name=t("My organisation", lang)).click()
    page.get_by_role("link", name=t("Proposed partners", lang)).first.click()
    card = page.locator(".match-card", has_text=partner_name).first
    # The reciprocity reason names both items (issue 14): its words up to the first item.
    mutual = t("Mutual benefit in the same area: in return for %(offer)s, the side "
               "with the need offers %(back)s, which the other side needs", lang)
    card.get_by_text(mutual.split("%(")[0].strip(), exact=False).first.wait_for()
    screenshot(page, shot)
    card.get_by_role("button", name=t("We are interested", lang)).click()
    page.wait_for_load_state()
    context.close()


def test_from_proposal_to_partnership(live_server, browser):
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
    # A staff exchange, which the Ukrainian training course serves only in part: the
    # paediatric rehabilitation proposal stays the best one of the two organisations.
    ItemFactory(organisation=kz, direction=Direction.NEED, area="child_psychology",
                form=Form.STAFF_EXCHANGE, urgency="medium", languages=["en"],
                description="Психологическая помощь детям")
    ItemFactory(organisation=ua, area="child_psychology", languages=["uk", "en"],
                description="Курс психологічної допомоги дітям, які пережили обстріли")
    ua_manager = UserFactory(role=Role.ORG_MANAGER, organisation=ua, locale="uk")
    kz_manager = UserFactory(role=Role.ORG_MANAGER, organisation=kz, locale="kk")
    secret = pyotp.random_base32()
    officer = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret, locale="uk")
    propose_matches()
    db.session.commit()
    base = live_server.live_url

    show_interest(browser, base, ua_manager, "uk", "Шанирак",
                  "proposals-uk")
    show_interest(browser, base, kz_manager, "kk", "Николаев", "proposals-kk")

    context, page = sign_in(browser, base, officer, "uk", secret)
    page.get_by_role("button", name=t("Partnerships", "uk"), exact=True).click()
    page.get_by_role("link", name=t("Proposals", "uk"), exact=True).click()
    page.get_by_label(t("Status", "uk")).select_option("mutually_accepted")
    page.get_by_role("button", name=t("Show", "uk")).click()
    page.get_by_role("link", name="Миколаївська дитяча лікарня").first.click()
    screenshot(page, "match-detail-uk")
    page.get_by_role("button", name=t("Vet and open the partnership", "uk")).click()
    page.get_by_role("heading", name="Миколаївська дитяча лікарня ⇄ Реабілітаційний центр "
                     "«Шанирак»").wait_for()
    page.get_by_text(t("Forming", "uk"), exact=True).first.wait_for()
    screenshot(page, "partnership-uk")
    context.close()
