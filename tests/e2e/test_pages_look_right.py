"""Every main page in every language: right language, no sideways scrolling, a picture."""

import pyotp
import pytest
from flask_babel import force_locale, gettext

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations.demo import load_hand_written

from ..factories import DEFAULT_PASSWORD, UserFactory
from .conftest import screenshot

pytestmark = pytest.mark.e2e

PAGES = ["/", "/account", "/account/password", "/admin/users", "/admin/users/new",
         "/admin/users/2", "/admin/audit", "/no-such-page", "/organisations",
         "/organisations/1", "/organisations/1/manage", "/embassy/organisations",
         "/embassy/organisations/2", "/embassy/import", "/register/sent"]


@pytest.mark.parametrize("lang", ["uk", "kk", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_admin_pages(live_server, browser, lang, width):
    secret = pyotp.random_base32()
    admin = UserFactory(role=Role.ADMIN, totp_secret=secret, locale=lang,
                        full_name="Олена Адміністраторка")
    UserFactory(role=Role.ORG_MANAGER, email="aigerim.saparova@hospital.example.kz",
                full_name="Айгерім Сапарова")
    load_hand_written()
    db.session.commit()
    context = browser.new_context(locale=lang, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.live_url + "/login")
    with force_locale(lang):
        page.get_by_label(gettext("E-mail")).fill(admin.email)
        page.get_by_label(gettext("Password")).fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name=gettext("Sign in")).click()
        page.get_by_label(gettext("Code from your authenticator app, or a recovery code")
                          ).fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name=gettext("Continue")).click()
    page.wait_for_url(live_server.live_url + "/my-work")
    for path in PAGES:
        page.goto(live_server.live_url + path)
        assert page.locator("html").get_attribute("lang") == lang, path
        name = path.strip("/").replace("/", "-") or "home"
        screenshot(page, f"{name}-{lang}-{width}")
        overflow = page.evaluate("document.documentElement.scrollWidth") - width
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
    context.close()
