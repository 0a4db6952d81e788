"""A Ukrainian hospital registers, an officer verifies it, its manager adds a need."""

import re

import pyotp
import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from partnership.core.models import OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db

from ..factories import DEFAULT_PASSWORD, UserFactory
from .conftest import screenshot

pytestmark = pytest.mark.e2e


def t(source: str, lang: str = "uk") -> str:
    with force_locale(lang):
        return gettext(source)


def last_link(recipient: str) -> str:
    db.session.expire_all()
    mail = db.session.scalars(select(OutboxEmail).where(OutboxEmail.recipient == recipient)
                              .order_by(OutboxEmail.id.desc())).first()
    return re.search(r"https?://[^/\s]+(/\S+)", mail.body).group(1)


def test_register_verify_and_add_a_need(live_server, browser):
    secret = pyotp.random_base32()
    officer = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret, locale="uk",
                          full_name="Андрій Коваленко")
    base = live_server.live_url

    # 1. The manager of a Mykolaiv hospital registers, in Ukrainian.
    manager_ctx = browser.new_context(locale="uk-UA", viewport={"width": 1280, "height": 900})
    page = manager_ctx.new_page()
    page.goto(base + "/")
    page.get_by_role("link", name=t("Register an organisation")).first.click()
    page.get_by_label(t("Ukraine")).check()
    page.get_by_label(t("Registry code")).fill("14360570")
    page.get_by_label(t("Kind of organisation")).select_option("childrens_hospital")
    page.get_by_label(t("Name in Ukrainian")).fill("Миколаївська обласна дитяча лікарня")
    page.get_by_label(t("Name in English")).fill("Mykolaiv Regional Children's Hospital")
    page.get_by_label(t("Region")).select_option("ua_mykolaiv")
    page.get_by_label(t("City or town")).fill("Миколаїв")
    page.get_by_label(t("Ukrainian"), exact=True).check()
    page.get_by_label(t("English"), exact=True).check()
    page.get_by_label(t("Contact person")).fill("Олена Коваль")
    page.get_by_label(t("Contact e-mail")).fill("partners@mykolaiv-child.example")
    page.get_by_label(t("Show the organisation in the public directory")).check()
    page.get_by_label(t("Your full name")).fill("Олена Коваль")
    page.get_by_label(t("Your e-mail")).fill("olena@mykolaiv-child.example")
    page.get_by_label(t("Password"), exact=True).fill("дитяча лікарня 2026")
    page.get_by_label(t("Repeat the password")).fill("дитяча лікарня 2026")
    screenshot(page, "register-uk")
    page.get_by_role("button", name=t("Register")).click()
    page.get_by_role("heading", name=t("Check your e-mail")).wait_for()

    # 2. She confirms her address from the e-mail and signs in.
    page.goto(base + last_link("olena@mykolaiv-child.example"))
    page.get_by_role("button", name=t("Confirm")).click()
    page.get_by_label(t("E-mail")).fill("olena@mykolaiv-child.example")
    page.get_by_label(t("Password")).fill("дитяча лікарня 2026")
    page.get_by_role("button", name=t("Sign in")).click()
    page.get_by_role("link", name=t("My organisation")).click()
    page.get_by_text(t("Waiting for verification")).wait_for()

    # 3. An embassy officer verifies it.
    officer_ctx = browser.new_context(locale="uk-UA", viewport={"width": 1280, "height": 900})
    officer_page = officer_ctx.new_page()
    officer_page.goto(base + "/login")
    officer_page.get_by_label(t("E-mail")).fill(officer.email)
    officer_page.get_by_label(t("Password")).fill(DEFAULT_PASSWORD)
    officer_page.get_by_role("button", name=t("Sign in")).click()
    officer_page.get_by_label(t("Code from your authenticator app, or a recovery code")).fill(
        pyotp.TOTP(secret).now())
    officer_page.get_by_role("button", name=t("Continue")).click()
    # the menu opens by script: wait for the signed-in page to have loaded it (on a busy
    # machine the click could come before the script was there, and open nothing)
    officer_page.wait_for_url("**/my-work")
    officer_page.wait_for_load_state()
    officer_page.get_by_role("button", name=t("Organisations"), exact=True).click()
    officer_page.get_by_role("link", name=t("All organisations"), exact=True).click()
    officer_page.get_by_role("link", name="Миколаївська обласна дитяча лікарня").click()
    screenshot(officer_page, "verification-uk")
    officer_page.get_by_role("button", name=t("Verify")).click()
    officer_page.get_by_text(t("Verified"), exact=True).first.wait_for()
    officer_ctx.close()

    # 4. The manager adds a need; it appears in the public directory.
    page.reload()
    page.get_by_text(t("Verified"), exact=True).first.wait_for()
    page.get_by_role("link", name=t("Add a need")).click()
    page.get_by_label(t("Area")).select_option("paediatric_rehabilitation")
    page.get_by_label(t("Form of cooperation")).select_option("training")
    page.get_by_label(t("Dimension")).select_option("professional")
    page.get_by_label(t("Description")).fill(
        "Навчання 10 реабілітологів сучасним методикам реабілітації дітей після ампутацій.")
    page.get_by_label(t("Capacity or quantity (optional)")).fill("10")
    page.get_by_label(t("Urgency")).select_option("high")
    page.get_by_role("button", name=t("Save")).click()
    page.get_by_text("Навчання 10 реабілітологів").wait_for()
    screenshot(page, "manage-uk")
    page.goto(base + "/organisations?q=Mykolaiv&direction=need")
    page.get_by_role("link", name="Миколаївська обласна дитяча лікарня").wait_for()
    screenshot(page, "directory-uk")
    manager_ctx.close()
