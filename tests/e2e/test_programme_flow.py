"""A coordinator (two-step sign-in) refers a child, records the consent with its signed
document, moves the case through registration and assessment and places the child in a
group; the centre's staff member finds the child and writes a progress note."""

import pyotp
import pytest

from partnership.core.database import utcnow
from partnership.core.roles import Role
from partnership.organisations.models import Country, Kind

from .. import factories_programme as fp
from ..factories import OrganisationFactory, UserFactory
from .conftest import screenshot, sign_in, t

pytestmark = pytest.mark.e2e


def test_from_referral_to_a_progress_note(live_server, browser, tmp_path):
    organisation = OrganisationFactory(country=Country.KZ, kind=Kind.REHABILITATION_CENTRE,
                                       name_uk="Реабілітаційний центр «Балбөбек»",
                                       name_kk="«Балбөбек» оңалту орталығы",
                                       name_en="Balbobek Rehabilitation Centre")
    secret = pyotp.random_base32()
    coordinator = UserFactory(role=Role.PROGRAMME_COORDINATOR, totp_secret=secret, locale="uk")
    staff = UserFactory(role=Role.CENTRE_STAFF, organisation_id=organisation.id, locale="kk")
    fp.centre_with_group(coordinator, capacity=4, organisation=organisation,
                         name="Весняна група")
    scan = tmp_path / "consent.pdf"
    scan.write_bytes(fp.PDF)
    base = live_server.live_url
    lang = "uk"

    context, page = sign_in(browser, base, coordinator, lang, secret)
    page.get_by_role("button", name=t("People of the Future", lang), exact=True).click()
    page.get_by_role("link", name=t("Children's cases", lang), exact=True).click()
    page.get_by_role("link", name=t("New referral", lang)).click()
    page.get_by_label(t("Year of birth", lang)).fill(str(utcnow().year - 9))
    page.get_by_label(t("Sex", lang)).select_option("female")
    page.get_by_label(t("Region of origin", lang)).select_option("ua_kharkiv")
    page.get_by_label(t("Needs", lang)).fill("Психологічна підтримка, арт-терапія")
    page.get_by_label(t("Ukrainian", lang), exact=True).check()
    page.get_by_label(t("First name", lang), exact=True).fill("Соломія")
    page.get_by_label(t("Surname", lang), exact=True).fill(fp.SURNAME)
    page.get_by_label(t("Documents (type and number)", lang)).fill(fp.DOCUMENT)
    page.get_by_label(t("Accompanying adult: given name", lang)).fill("Олена")
    page.get_by_label(t("Accompanying adult: surname", lang)).fill("Волонтерка")
    screenshot(page, "programme-referral-uk")
    page.get_by_role("button", name=t("Save the case", lang)).click()
    code = page.locator("h1 code").inner_text()
    assert code.startswith("PF-")
    assert fp.SURNAME not in page.content()  # the identity stays closed until asked for

    page.get_by_role("link", name=t("Record a consent", lang)).click()
    page.get_by_label(t("Who gave the consent: relationship to the child", lang)).fill("бабуся")
    for scope in ("Participation in the programme", "Travel to Kazakhstan",
                  "Sharing the minimum data with the centre"):
        page.get_by_label(t(scope, lang)).check()
    page.get_by_label(t("The child agrees too (assent)", lang)).check()
    page.get_by_label(t("Signed consent (PDF, JPEG or PNG, up to 10 MB)", lang)
                      ).set_input_files(str(scan))
    page.get_by_role("button", name=t("Record the consent", lang)).click()
    page.get_by_text(t("The consent is recorded.", lang)).wait_for()

    for action in ("Register", "Start the assessment"):
        page.get_by_role("button", name=t(action, lang), exact=True).click()
        page.wait_for_load_state()
    page.get_by_role("link", name=t("Place in a group", lang)).click()
    page.get_by_label(t("Group", lang)).select_option(index=0)
    page.get_by_role("button", name=t("Place the child", lang)).click()
    page.get_by_text(t("The child is placed in the group.", lang)).wait_for()
    page.get_by_role("button", name=t("Show the identity", lang)).click()
    page.locator(".identity").get_by_text(fp.SURNAME).wait_for()
    screenshot(page, "programme-case-uk")
    context.close()

    lang = "kk"
    context, page = sign_in(browser, base, staff, lang)
    page.get_by_role("link", name=t("My centre's children", lang)).click()
    page.get_by_role("link", name=code).click()
    page.get_by_role("heading", name="Соломія").wait_for()
    page.get_by_label(t("Progress note", lang)).fill("Бала топқа жақсы бейімделді.")
    page.get_by_role("button", name=t("Add the note", lang)).click()
    page.get_by_text("Бала топқа жақсы бейімделді.").wait_for()
    content = page.content()
    assert fp.SURNAME not in content and fp.DOCUMENT not in content
    screenshot(page, "programme-child-kk")
    context.close()
