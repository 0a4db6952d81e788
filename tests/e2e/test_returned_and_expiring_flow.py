"""By visible labels: an officer (uk) returns a registration for changes with what to fix; the
Kazakh manager (kk) finds it on "My work", opens the profile, goes to the organisation's page
and sends it for verification again; the officer's "My work" lists it to verify. A coordinator
(en) records a consent valid until a date and sees the expiry on "My work" and the case page."""

from datetime import timedelta

import pyotp
import pytest

from partnership.core.database import utcnow
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations.models import Country, Status

from .. import factories_programme as fp
from ..factories import OrganisationFactory, UserFactory
from .conftest import screenshot, sign_in, t

pytestmark = pytest.mark.e2e

REASON = "Додайте номер ліцензії МОЗ та адресу сайту."


def _keep(page, name):
    screenshot(page, name)


def test_a_registration_returned_for_changes_and_sent_again(live_server, browser):
    organisation = OrganisationFactory(status=Status.PENDING, country=Country.KZ,
                                       name_uk="Клініка «Шипагер»", name_kk="«Шипагер» емханасы",
                                       name_en="Shipager Clinic")
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=organisation, locale="kk")
    secret = pyotp.random_base32()
    officer = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret, locale="uk")
    db.session.commit()
    base = live_server.live_url

    context, page = sign_in(browser, base, officer, "uk", secret)
    page.goto(f"{base}/embassy/organisations/{organisation.id}")
    page.get_by_label(t("Reason (sent to the organisation's manager)", "uk")).fill(REASON)
    _keep(page, "r12-embassy-return-uk")
    # the button asks first, naming the organisation; the answer "yes" sends the form
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name=t("Return for changes", "uk")).click()
    # the answer page, once it has loaded (a read right after the click may see the old page)
    page.get_by_text(t("Returned for changes", "uk")).first.wait_for()
    assert len(asked) == 1 and "Клініка «Шипагер»" in asked[0]
    context.close()

    for lang in ("kk", "en", "uk"):
        manager.locale = lang
        db.session.commit()
        context, page = sign_in(browser, base, manager, lang)
        page.goto(f"{base}/my-work")
        entry = page.locator("#work-profile_returned")
        assert t("Your profile was returned for changes", lang) in entry.inner_text()
        assert REASON in entry.inner_text()
        _keep(page, f"r12-my-work-returned-{lang}")
        page.goto(f"{base}/organisations/{organisation.id}/manage")
        _keep(page, f"r12-manage-returned-{lang}")
        if lang != "uk":
            context.close()
    # The Ukrainian manager (the page left open) sends it again.
    page.get_by_role("button", name=t("Send for verification again", "uk")).click()
    page.get_by_text(t("Sent for verification again: the embassy has been told.", "uk")).wait_for()
    _keep(page, "r12-manage-resubmitted-uk")
    context.close()

    # Another officer: a two-step code is accepted once, and the first officer's may not have
    # changed yet.
    other_secret = pyotp.random_base32()
    other = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=other_secret, locale="uk")
    db.session.commit()
    context, page = sign_in(browser, base, other, "uk", other_secret)
    page.goto(f"{base}/my-work")
    assert page.locator("#work-registrations").count() == 1
    _keep(page, "r12-officer-my-work-uk")
    context.close()


def test_a_consent_valid_until_a_date(live_server, browser):
    secret = pyotp.random_base32()
    coordinator = UserFactory(role=Role.PROGRAMME_COORDINATOR, totp_secret=secret)
    group = fp.centre_with_group(coordinator)[1]
    case = fp.placed_case(coordinator, group)
    consent = case.consents[0]
    consent.given_on = utcnow().date() - timedelta(days=400)
    consent.valid_until = utcnow().date() - timedelta(days=2)
    other = fp.to_assessment(coordinator, fp.new_case(coordinator), consent=False)
    db.session.commit()
    base = live_server.live_url
    for lang in ("en", "uk", "kk"):
        # One coordinator per language: a two-step code is accepted once.
        secret = pyotp.random_base32()
        reader = UserFactory(role=Role.PROGRAMME_COORDINATOR, totp_secret=secret, locale=lang)
        db.session.commit()
        context, page = sign_in(browser, base, reader, lang, secret)
        page.goto(f"{base}/my-work")
        assert page.locator("#work-consents_expiring").count() == 1
        _keep(page, f"r12-coordinator-my-work-{lang}")
        page.goto(f"{base}/programme/cases/{case.id}")
        assert page.locator("#consent-expired").count() == 1
        _keep(page, f"r12-case-expired-{lang}")
        page.goto(f"{base}/programme/cases/{other.id}/consents/new")
        page.get_by_label(t("Valid until (optional)", lang)).fill(
            (utcnow().date() - timedelta(days=5)).isoformat())
        page.get_by_role("button", name=t("Record the consent", lang)).click()
        page.get_by_text(t("The consent must be valid until a date after the date it was given.",
                           lang)).first.wait_for()
        _keep(page, f"r12-consent-form-error-{lang}")
        context.close()
