"""Keyboard only: signing in, registering an organisation and adding a need with Tab, Enter,
Space and the arrow keys, never the mouse; every control that takes focus shows it."""

import pytest
from sqlalchemy import select

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations.models import Direction, Item

from ..factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory
from .conftest import screenshot, t

pytestmark = pytest.mark.e2e

# What a sighted keyboard user needs to see where they are: the focused element matches
# :focus-visible, draws an outline at least 2 px wide, and is on the screen.
FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return {problem: 'nothing has focus'};
  const name = (e.labels && e.labels[0] ? e.labels[0].textContent
                : e.getAttribute('aria-label') || e.textContent || e.value || '').trim();
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  let problem = '';
  // Chromium focuses a date field's inner parts: the field itself matches :focus-within only.
  const dateLike = ['date', 'time', 'datetime-local', 'month', 'week'].includes(e.type);
  if (!e.matches(dateLike ? ':focus-within' : ':focus-visible')) problem = 'not :focus-visible';
  else if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) < 2) problem = 'no outline';
  else if (r.width < 1 || r.height < 1 || r.bottom < 0 || r.top > innerHeight) {
    problem = 'off screen';
  }
  return {problem, name: name.replace(/\\s+/g, ' '), tag: e.tagName.toLowerCase(),
          type: e.type || '', value: e.value || ''};
}"""


def focused(page) -> dict:
    """The focused element (its name, tag, type, value), after checking its focus shows."""
    state = page.evaluate(FOCUS)
    assert not state["problem"], f"focus on {state}: {state['problem']}"
    return state


def tab_to(page, name: str, exact: bool = False, kind: str | None = None,
           limit: int = 80) -> dict:
    """Press Tab until the control named ``name`` (of type ``kind``, if given) has focus;
    each stop must show focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        named = (state["name"] == name) if exact else (name in state["name"])
        if named and kind in (None, state["type"]):
            return state
    raise AssertionError(f"Tab never reached {name!r}")


def choose(page, value: str, limit: int = 200) -> None:
    """Pick ``value`` in the focused list with the arrow keys."""
    for _ in range(limit):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {value!r}")


def test_sign_in_with_the_keyboard_starting_at_the_skip_link(live_server, page):
    user = UserFactory(role=Role.ORG_MANAGER, organisation_id=OrganisationFactory().id)
    base = live_server.live_url
    page.goto(base + "/")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == t("Skip to content", "uk")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    tab_to(page, t("Sign in", "uk"), exact=True)
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/login")
    # The e-mail field has focus as the page opens.
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(user.email)
    tab_to(page, t("Password", "uk"))
    page.keyboard.type(DEFAULT_PASSWORD)
    tab_to(page, t("Sign in", "uk"), exact=True)
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/my-work")


def test_register_an_organisation_with_the_keyboard(live_server, page):
    base = live_server.live_url
    page.goto(base + "/register")
    # Tab enters the country's radio group once; the arrow keys choose in it.
    tab_to(page, t("Ukraine", "uk"), kind="radio")
    while focused(page)["name"] != t("Kazakhstan", "uk"):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.checked")
    tab_to(page, t("Registry code", "uk"))
    page.keyboard.type("210540012345")    # a wrong check digit: the form says so
    tab_to(page, t("Kind of organisation", "uk"))
    choose(page, "clinic")
    tab_to(page, t("Name in Kazakh", "uk"))
    page.keyboard.type("Алматы емханасы")
    tab_to(page, t("Region", "uk"))
    choose(page, "kz_almaty_city")
    tab_to(page, t("City or town", "uk"))
    page.keyboard.type("Алматы")
    tab_to(page, t("Kazakh", "uk"), exact=True, kind="checkbox")
    page.keyboard.press("Space")
    tab_to(page, t("Contact person", "uk"))
    page.keyboard.type("Әсел Нұрланқызы")
    tab_to(page, t("Contact e-mail", "uk"))
    page.keyboard.type("info@almaty-clinic.example")
    tab_to(page, t("Your full name", "uk"))
    page.keyboard.type("Әсел Нұрланқызы")
    tab_to(page, t("Your e-mail", "uk"))
    page.keyboard.type("asel@almaty-clinic.example")
    tab_to(page, t("Password", "uk"), exact=True)
    page.keyboard.type("алматы емханасы 2026")
    tab_to(page, t("Repeat the password", "uk"))
    page.keyboard.type("алматы емханасы 2026")
    tab_to(page, t("Register", "uk"), exact=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The registry code was wrong: focus lands on the error summary, which reads out the
    # problem; its link takes the focus to the field, read out with its error.
    state = focused(page)
    assert state["name"].startswith(t("There is a problem", "uk")), state
    page.keyboard.press("Tab")
    link = focused(page)
    assert link["tag"] == "a" and link["name"] in state["name"], link
    page.keyboard.press("Enter")
    state = focused(page)
    assert state["name"].startswith(t("Registry code", "uk")), state
    code = page.locator("#registry_code")
    assert code.get_attribute("aria-invalid") == "true"
    assert "registry_code-error" in code.get_attribute("aria-describedby")
    screenshot(page, "keyboard-register-error-uk")
    page.keyboard.press("Control+A")
    page.keyboard.type(valid_bin())
    for secret in ("Password", "Repeat the password"):   # passwords are never sent back
        tab_to(page, t(secret, "uk"), exact=secret == "Password")
        page.keyboard.type("алматы емханасы 2026")
    tab_to(page, t("Register", "uk"), exact=True)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=t("Check your e-mail", "uk")).wait_for()


def valid_bin() -> str:
    from ..factories import bin_code

    return bin_code(4242)


def test_a_manager_adds_a_need_with_the_keyboard(live_server, page):
    organisation = OrganisationFactory()
    user = UserFactory(role=Role.ORG_MANAGER, organisation_id=organisation.id)
    base = live_server.live_url
    page.goto(base + "/login")
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/my-work")
    page.goto(f"{base}/organisations/{organisation.id}/manage")
    tab_to(page, t("Add a need", "uk"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/organisations/{organisation.id}/items/new/need")
    tab_to(page, t("Area", "uk"))
    choose(page, "paediatric_rehabilitation")
    tab_to(page, t("Form of cooperation", "uk"))
    choose(page, "training")
    tab_to(page, t("Description", "uk"))
    page.keyboard.type("Навчання 10 реабілітологів роботі з дітьми після ампутацій.")
    tab_to(page, t("Capacity or quantity (optional)", "uk"))
    page.keyboard.type("10")
    tab_to(page, t("Urgency", "uk"))
    choose(page, "high")
    tab_to(page, t("Ukrainian", "uk"), exact=True, kind="checkbox")
    page.keyboard.press("Space")
    tab_to(page, t("Save", "uk"), exact=True)
    page.keyboard.press("Enter")
    page.get_by_text("Навчання 10 реабілітологів").wait_for()
    need = db.session.scalar(select(Item).where(Item.organisation_id == organisation.id,
                                                Item.direction == Direction.NEED))
    assert (need.area, need.form, need.urgency, need.quantity) == (
        "paediatric_rehabilitation", "training", "high", 10)
