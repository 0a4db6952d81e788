"""Each demo role's "My work", and the embassy's dashboard, in Ukrainian, Kazakh and English:
the page is in the language asked, shows entries (or the clear empty state) with links to
where the work is done, never scrolls sideways on a phone, and a picture is kept to look at."""

import pyotp
import pytest
from sqlalchemy import select

from partnership.auth.models import User
from partnership.core.roles import Role
from partnership.demo import seed_demo_partnership, seed_demo_users
from partnership.extensions import db
from partnership.memoranda.demo import seed_demo_memoranda
from partnership.organisations.demo import load_hand_written
from partnership.programme.demo import seed_demo_programme

from ..factories import DEFAULT_PASSWORD
from .conftest import screenshot, sign_in, t

pytestmark = pytest.mark.e2e

LANGUAGES = ("uk", "kk", "en")


def demo_world(app) -> dict[Role, tuple[User, str | None]]:
    """The demo data ``make run`` loads, with a known password and second factor per user."""
    from partnership.auth.passwords import hash_password

    organisations = load_hand_written()
    seed_demo_users(app.config["TOTP_REQUIRED_ROLES"], organisations)
    seed_demo_partnership()
    seed_demo_programme()
    seed_demo_memoranda()
    users = {}
    for user in db.session.scalars(select(User)):
        user.password_hash = hash_password(DEFAULT_PASSWORD)
        secret = None
        if user.totp_secret:
            secret = user.totp_secret = pyotp.random_base32()
        users.setdefault(user.role, (user, secret))
    db.session.commit()
    return users


WIDE = """(width) => {
  const clipped = (e) => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  return Array.from(document.querySelectorAll('body *'))
    .filter((e) => e.getBoundingClientRect().right > width + 1 && !clipped(e))
    .slice(0, 5).map((e) => e.tagName + '.' + e.getAttribute('class') + ' '
                     + Math.round(e.getBoundingClientRect().right));
}"""


def too_wide(page, width: int) -> str:
    """What sticks out of the page at ``width`` (the outermost elements), for the message."""
    return ", ".join(page.evaluate(WIDE, width))


def show_in(user: User, lang: str) -> None:
    user.locale = lang
    db.session.commit()


def test_every_roles_my_work_and_the_dashboard_in_three_languages(live_server, browser):
    users = demo_world(live_server)
    base = live_server.live_url
    for role, (user, secret) in users.items():
        context, page = sign_in(browser, base, user, user.locale or "uk", secret)
        for lang in LANGUAGES:
            show_in(user, lang)
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(base + "/my-work")
                assert page.locator("html").get_attribute("lang") == lang
                page.get_by_role("heading", level=1, name=t("My work", lang)).wait_for()
                entries = page.locator(".work-entry")
                if entries.count():
                    assert entries.first.get_by_role("link").count() >= 1
                else:
                    page.get_by_role("heading", name=t("Nothing waits for you", lang)).wait_for()
                overflow = page.evaluate("document.documentElement.scrollWidth") - width
                assert overflow <= 0, f"{role} My work scrolls sideways at {width}px: " \
                    f"{too_wide(page, width)}"
                screenshot(page, f"my-work-{role}-{lang}-{width}")
                if role == Role.EMBASSY_OFFICER:
                    page.goto(base + "/embassy/dashboard")
                    page.get_by_role("heading", level=1).wait_for()
                    assert page.locator("svg.chart").count() >= 4
                    overflow = page.evaluate("document.documentElement.scrollWidth") - width
                    assert overflow <= 0, f"the dashboard scrolls sideways at {width}px: " \
                        f"{too_wide(page, width)}"
                    screenshot(page, f"dashboard-{lang}-{width}")
        context.close()
