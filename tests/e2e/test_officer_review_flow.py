"""The officer reviews a registration in a real browser, in each language and at desktop and
phone widths (screenshots in test-artifacts/): who registered, the e-mail, the code's check,
the history, possible duplicates, the next registration. Rejecting asks first: with JavaScript
a dialog (Cancel keeps the registration pending); without it a page naming the organisation."""

import pyotp
import pytest

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations.models import Kind, Organisation, Status

from ..conftest import post_form
from ..factories import OrganisationFactory, UserFactory
from ..functional.test_registration import form
from .conftest import screenshot, sign_in, t

pytestmark = pytest.mark.e2e


def _world(app, lang):
    visitor = app.test_client()
    assert post_form(visitor, "/register", form()).status_code == 302
    registered = db.session.query(Organisation).filter_by(registry_code="14360570").one()
    OrganisationFactory(name_uk="Миколаївська міська дитяча лікарня №2", name_en=None,
                        name_kk=None, city="Миколаїв", kind=Kind.CHILDRENS_HOSPITAL)
    OrganisationFactory(name_uk=None, name_en="Mykolaiv Children's Rehabilitation Clinic",
                        name_kk="Мыколайив балалар оңалту клиникасы", city="Одеса",
                        kind=Kind.CLINIC, contact_email="partners@mykolaiv-child.example")
    later = OrganisationFactory(status=Status.PENDING, name_uk="Лікарня «Надія»")
    secret = pyotp.random_base32()
    officer = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret, locale=lang)
    db.session.commit()
    return registered, later, officer, secret


@pytest.mark.parametrize("lang", ["uk", "kk", "en"])
def test_the_officer_reviews_and_rejecting_asks_first(live_server, browser, lang):
    registered, later, officer, secret = _world(live_server, lang)
    base = live_server.live_url
    context, page = sign_in(browser, base, officer, lang, secret)
    page.goto(f"{base}/embassy/organisations/{registered.id}")
    page.get_by_role("heading", name=t("Before you decide", lang)).wait_for()
    assert page.get_by_text("olena@mykolaiv-child.example").first.is_visible()
    assert page.get_by_text(t("Possible duplicates", lang)).is_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"officer-review-{lang}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label(t("Reason (sent to the organisation's manager)", lang)).fill(
        "Код не збігається з реєстром.")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name=t("Reject", lang)).click()
    page.wait_for_timeout(300)
    assert asked and registered.name(lang) in asked[0]
    db.session.expire_all()
    assert db.session.get(Organisation, registered.id).status == Status.PENDING

    page.get_by_role("link", name=t("Next registration waiting for verification", lang)
                     ).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/embassy/organisations/{later.id}")
    # Without JavaScript (the same session) the same button leads to a page that asks.
    state = context.storage_state()
    context.close()
    context = browser.new_context(locale=lang, java_script_enabled=False, storage_state=state,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/embassy/organisations/{registered.id}")
    page.get_by_label(t("Reason (sent to the organisation's manager)", lang)).fill(
        "Код не збігається з реєстром.")
    page.get_by_role("button", name=t("Reject", lang)).click()
    page.get_by_role("heading", name=t("Please confirm", lang)).wait_for()
    assert registered.name(lang) in page.content()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"confirm-reject-{lang}-{width}")
    db.session.expire_all()
    assert db.session.get(Organisation, registered.id).status == Status.PENDING
    page.get_by_role("button", name=t("Yes, go ahead", lang)).click()
    page.wait_for_load_state()
    db.session.expire_all()
    assert db.session.get(Organisation, registered.id).status == Status.REJECTED
    context.close()

