"""A person signs in through the real pages and switches the language."""

import pyotp
import pytest
from flask_babel import force_locale, gettext

from partnership.core.roles import Role

from ..factories import DEFAULT_PASSWORD, UserFactory
from .conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e


def text(lang: str, source: str) -> str:
    """What a person reading ``lang`` sees for this source string."""
    with force_locale(lang):
        return gettext(source)


def test_manager_signs_in_switches_language_and_signs_out(live_server, page):
    user = UserFactory(role=Role.ORG_MANAGER, full_name="Оксана Мельник",
                       email="oksana@example.org")
    page.goto(live_server.live_url + "/")
    assert page.locator("html").get_attribute("lang") == "uk"
    screenshot(page, "home-uk")
    page.get_by_role("main").get_by_role("link", name=text("uk", "Sign in")).click()

    page.get_by_label(text("uk", "E-mail")).fill(user.email)
    page.get_by_label(text("uk", "Password")).fill("not the password at all")
    page.get_by_role("button", name=text("uk", "Sign in")).click()
    page.get_by_text(text("uk", "The e-mail or the password is not right.")).wait_for()
    assert page.get_by_label(text("uk", "E-mail")).input_value() == user.email  # kept
    screenshot(page, "login-error-uk")

    page.get_by_label(text("uk", "Password")).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=text("uk", "Sign in")).click()
    page.get_by_text("Оксана Мельник").first.wait_for()

    page.get_by_role("button", name="Қазақша").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "kk"
    page.get_by_role("link", name=text("kk", "My account")).first.click()
    page.get_by_role("heading", name=text("kk", "My account")).wait_for()
    screenshot(page, "account-kk")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("heading", name="My account").wait_for()
    screenshot(page, "account-en")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have signed out.").wait_for()
    page.goto(live_server.live_url + "/account")
    assert "/login" in page.url


def test_officer_signs_in_with_a_one_time_code(live_server, page):
    secret = pyotp.random_base32()
    user = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret, locale="en")
    page.goto(live_server.live_url + "/login")
    page.get_by_label(text("uk", "E-mail")).fill(user.email)
    page.get_by_label(text("uk", "Password")).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=text("uk", "Sign in")).click()
    code_label = text("uk", "Code from your authenticator app, or a recovery code")
    page.get_by_label(code_label).fill(pyotp.TOTP(secret).now())
    screenshot(page, "two-step-uk")
    page.get_by_role("button", name=text("uk", "Continue")).click()
    # The officer's own language (English) applies once signed in.
    page.get_by_text("Embassy officer").first.wait_for()
    assert page.locator("html").get_attribute("lang") == "en"


def test_phone_width_layout(live_server, browser):
    context = browser.new_context(locale="kk-KZ", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.live_url + "/login")
    assert page.locator("html").get_attribute("lang") == "kk"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"
    screenshot(page, "login-phone-kk")
    context.close()


def test_coordinator_sets_up_two_step_sign_in_at_first_log_in(live_server, page):
    user = UserFactory(role=Role.PROGRAMME_COORDINATOR, locale="uk")
    page.goto(live_server.live_url + "/login")
    page.get_by_label(text("uk", "E-mail")).fill(user.email)
    page.get_by_label(text("uk", "Password")).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=text("uk", "Sign in")).click()
    page.get_by_role("heading", name=text("uk", "Set up two-step sign-in")).wait_for()
    assert page.locator(".qr svg").is_visible()
    screenshot(page, "enrol-uk")
    page.get_by_text(text("uk", "Cannot scan? Enter the key by hand")).click()
    secret = page.locator("code.secret").inner_text().strip()
    page.get_by_label(text("uk", "Six-digit code from the app")).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=text("uk", "Turn on two-step sign-in")).click()
    page.get_by_role("heading", name=text("uk", "Your recovery codes")).wait_for()
    assert page.locator("ul.codes li").count() == 10
    screenshot(page, "recovery-codes-uk")
    page.get_by_role("link", name=text("uk", "I have saved the codes")).click()
    page.get_by_role("button", name=text("uk", "Sign out")).wait_for()


def test_officer_makes_new_recovery_codes_with_the_password_again(live_server, browser):
    secret = pyotp.random_base32()
    user = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret, locale="uk")
    context, page = sign_in(browser, live_server.live_url, user, "uk", secret)
    page.goto(live_server.live_url + "/account")
    password = page.get_by_label(text("uk", "Current password"))
    password.fill("not the password at all")
    page.get_by_role("button", name=text("uk", "Make new recovery codes")).click()
    # said twice: in the error summary (a link to the field) and under the field
    page.locator("#current_password-error").get_by_text(
        text("uk", "The current password is not right.")).wait_for()
    assert page.get_by_role("link", name=text("uk", "The current password is not right.")
                            .rstrip(".")).count() == 1
    screenshot(page, "recovery-codes-password-error-uk")
    page.get_by_label(text("uk", "Current password")).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=text("uk", "Make new recovery codes")).click()
    page.get_by_role("heading", name=text("uk", "Your recovery codes")).wait_for()
    assert page.locator("ul.codes li").count() == 10
    context.close()
