"""Forms that help, in the browser: the error summary takes the focus and its links lead to the
fields; the region list offers only the chosen country's regions; pictures of the registration
form with errors in three languages, on a desktop and on a phone."""

import pytest

from .conftest import screenshot, t

pytestmark = pytest.mark.e2e

LOCALES = {"uk": "uk-UA", "kk": "kk-KZ", "en": "en-GB"}


def open_registration(browser, base, lang="uk", width=1280):
    context = browser.new_context(locale=LOCALES[lang], viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(base + "/register")
    return context, page


def region_values(page) -> list[str]:
    return page.eval_on_selector("select[name=region]",
                                 "s => Array.from(s.options).map(o => o.value)")


def test_the_region_list_follows_the_chosen_country(live_server, browser):
    context, page = open_registration(browser, live_server.live_url)
    values = region_values(page)
    assert values[0] == "" and page.input_value("select[name=region]") == ""
    assert any(v.startswith("ua_") for v in values) and any(v.startswith("kz_") for v in values)

    page.get_by_label(t("Kazakhstan", "uk")).check()
    values = region_values(page)
    assert values[0] == "" and all(v.startswith("kz_") for v in values[1:]) and len(values) > 10
    page.get_by_label(t("Region", "uk")).select_option("kz_mangystau")

    page.get_by_label(t("Ukraine", "uk")).check()
    values = region_values(page)
    assert all(v.startswith("ua_") for v in values[1:]) and len(values) > 20
    assert page.input_value("select[name=region]") == ""  # the Kazakh region is not kept
    context.close()


def fill_a_kazakh_clinic_with_mistakes(page, lang):
    page.get_by_label(t("Kazakhstan", lang)).check()
    page.get_by_label(t("Registry code", lang)).fill("971240001316")  # wrong check digit
    page.get_by_label(t("Kind of organisation", lang)).select_option("clinic")
    page.get_by_label(t("Name in Kazakh", lang)).fill("Ақтау оңалту орталығы")
    page.get_by_label(t("Region", lang)).select_option("kz_mangystau")
    page.get_by_label(t("City or town", lang)).fill("Ақтау")
    page.get_by_label(t("Kazakh", lang), exact=True).check()
    page.get_by_label(t("Contact person", lang)).fill("Айгүл Серікова")
    page.get_by_label(t("Contact e-mail", lang)).fill("aigul at clinic")
    page.get_by_label(t("Your full name", lang)).fill("Айгүл Серікова")
    page.get_by_label(t("Your e-mail", lang)).fill("aigul@aktau-clinic.example")
    page.get_by_label(t("Password", lang), exact=True).fill("теңіз жағасы 2026")
    page.get_by_label(t("Repeat the password", lang)).fill("теңіз жағасы 2025")
    page.get_by_role("button", name=t("Register", lang)).click()
    page.wait_for_load_state()


def test_the_summary_takes_the_focus_and_leads_to_each_field(live_server, browser):
    context, page = open_registration(browser, live_server.live_url)
    fill_a_kazakh_clinic_with_mistakes(page, "uk")
    assert page.title().startswith(t("Error:", "uk") + " ")
    summary = page.locator("[data-error-summary]")
    assert summary.evaluate("s => s === document.activeElement")
    links = summary.get_by_role("link")
    assert links.count() == 3
    for index, field_id in enumerate(["registry_code", "contact_email", "confirm"]):
        links.nth(index).click()
        assert page.evaluate("() => document.activeElement.id") == field_id
    # What was typed is kept, but the passwords, and the form says why.
    assert page.get_by_label(t("Registry code", "uk")).input_value() == "971240001316"
    assert page.input_value("select[name=region]") == "kz_mangystau"
    assert page.get_by_label(t("Password", "uk"), exact=True).input_value() == ""
    page.get_by_text(t("For your security, enter the password again. Everything else you "
                       "typed is kept.", "uk")).wait_for()
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["uk", "kk", "en"])
def test_pictures_of_the_registration_form_with_errors(live_server, browser, lang, width):
    context, page = open_registration(browser, live_server.live_url, lang, width)
    fill_a_kazakh_clinic_with_mistakes(page, lang)
    page.locator("[data-error-summary]").wait_for()
    # Nothing is wider than the screen (a phone must not scroll sideways).
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    screenshot(page, f"register-errors-{lang}-{width}")
    context.close()
