"""The main menu in a real browser: one line at 1280 px for every demo role in Ukrainian,
Kazakh and English; behind a "Menu" button at 390 px; sub-menus as disclosure buttons that
Escape closes; and every page of the menu reachable without JavaScript."""

import pytest

from partnership.core.roles import Role

from .conftest import screenshot, sign_in, t
from .test_every_role_my_work import LANGUAGES, demo_world, show_in

pytestmark = pytest.mark.e2e

# The top-level entries on one line (each one's middle within the first one's height), the
# bar as tall as one entry, its right end inside the page, and the header row above it.
LINES = """() => {
  const items = Array.from(document.querySelectorAll('.site-nav__list > li'));
  const middle = (e) => { const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2; };
  const first = items[0].getBoundingClientRect();
  const right = (selector) => document.querySelector(selector).getBoundingClientRect().right;
  const below = items.filter((e) => middle(e) < first.top || middle(e) > first.bottom);
  return {tops: 1 + below.length, height: document.querySelector('.site-nav').offsetHeight,
          width: right('.site-nav__list'), room: right('.site-nav__inner'),
          header: document.querySelector('.site-header__inner').offsetHeight,
          labels: items.map((e) => e.textContent.trim().replace(/\\s+/g, ' '))};
}"""


def test_the_menu_keeps_to_one_line_on_a_desktop_and_folds_on_a_phone(live_server, browser):
    users = demo_world(live_server)
    base = live_server.live_url
    for role, (user, secret) in users.items():
        context, page = sign_in(browser, base, user, user.locale or "uk", secret)
        for lang in LANGUAGES:
            show_in(user, lang)
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(base + "/my-work")
            line = page.evaluate(LINES)
            print(role, lang, line["height"], line["width"], "of", line["room"], line["labels"])
            assert line["tops"] == 1 and line["height"] < 60, (role, lang, line)
            assert line["width"] <= line["room"], (role, lang, line)
            assert line["header"] < 80, (role, lang, line)  # brand, languages, user: one row
            menu_button = page.get_by_role("button", name=t("Menu", lang))
            assert not menu_button.is_visible()
            _groups_open_and_close(page, role, lang)

            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(base + "/my-work")
            links = page.locator(".site-nav__list")
            assert menu_button.is_visible() and not links.is_visible()
            assert menu_button.get_attribute("aria-expanded") == "false"
            assert page.locator(".site-nav").bounding_box()["height"] < 70
            if role == Role.EMBASSY_OFFICER:
                screenshot(page, f"menu-officer-{lang}-390-closed")
            menu_button.click()
            assert links.is_visible() and menu_button.get_attribute("aria-expanded") == "true"
            assert page.get_by_role("link", name=t("My work", lang)).first.is_visible()
            overflow = page.evaluate("document.documentElement.scrollWidth") - 390
            assert overflow <= 0, (role, lang)
            if role == Role.EMBASSY_OFFICER:
                page.get_by_role("button", name=t("Partnerships", lang)).click()
                page.get_by_role("link", name=t("Proposals", lang)).wait_for()
                screenshot(page, f"menu-officer-{lang}-390-open")
            page.keyboard.press("Escape")
            page.keyboard.press("Escape")
            assert not links.is_visible()
            assert menu_button.get_attribute("aria-expanded") == "false"
        context.close()


def _groups_open_and_close(page, role, lang):
    """Each group opens on its button (and with the keyboard), shows its pages, and Escape
    closes it with the focus back on the button."""
    buttons = page.locator(".menu-group__toggle")
    for index in range(buttons.count()):
        button = buttons.nth(index)
        menu = page.locator("#" + button.get_attribute("aria-controls"))
        assert button.get_attribute("aria-expanded") == "false" and not menu.is_visible()
        button.focus()
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-expanded") == "true" and menu.is_visible()
        assert menu.get_by_role("link").count() >= 2
        if role == Role.EMBASSY_OFFICER and index == 0:
            screenshot(page, f"menu-officer-{lang}-1280")
        page.keyboard.press("Tab")  # into the sub-menu: it stays open
        assert menu.is_visible()
        page.keyboard.press("Escape")
        assert button.get_attribute("aria-expanded") == "false" and not menu.is_visible()
        assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == \
            button.get_attribute("aria-controls")


def test_without_javascript_every_page_of_the_menu_is_a_visible_link(live_server, browser):
    users = demo_world(live_server)
    officer, secret = users[Role.EMBASSY_OFFICER]
    show_in(officer, "en")
    context, page = sign_in(browser, live_server.live_url, officer, "en", secret)
    state = context.storage_state()
    context.close()
    for width in (1280, 390):
        quiet = browser.new_context(java_script_enabled=False, storage_state=state,
                                    viewport={"width": width, "height": 900})
        page = quiet.new_page()
        page.goto(live_server.live_url + "/my-work")
        assert not page.get_by_role("button", name="Menu").is_visible()
        for name in ("My work", "Dashboard", "All organisations", "Import", "Proposals",
                     "All partnerships", "Memorandum template", "People of the Future: report"):
            assert page.get_by_role("link", name=name, exact=True).is_visible(), (width, name)
        screenshot(page, f"menu-officer-en-{width}-no-script")
        page.get_by_role("link", name="All partnerships", exact=True).click()
        page.get_by_role("heading", level=1, name="Partnerships").wait_for()
        quiet.close()
