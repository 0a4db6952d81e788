"""A live server on a free local port and a headless Debian Chromium driven by Playwright."""

import os
import shutil
import threading
from pathlib import Path

import pyotp
import pytest
from flask_babel import force_locale, gettext
from werkzeug.serving import make_server

from ..conftest import require_service
from ..factories import DEFAULT_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def live_server(make_app):
    app = make_app(ENV_NAME="testing")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.live_url = f"http://127.0.0.1:{server.server_port}"
    with app.app_context():
        yield app
    server.shutdown()
    thread.join(timeout=5)


def launch_chromium(playwright):
    """Debian's headless Chromium (skipped locally, a failure in CI, when it is missing)."""
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        require_service("Chromium", f"{CHROMIUM} is not installed (apt-get install chromium)")
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync"])


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="uk-UA", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Keep a picture of the page for a person to look at (test-artifacts/, git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def t(source: str, lang: str) -> str:
    """The words a person sees for ``source`` in ``lang`` (tests find controls by them)."""
    with force_locale(lang):
        return gettext(source)


def sign_in(browser, base, user, lang, secret=None):
    """Sign ``user`` in through the log-in page (and the second step, given its secret)."""
    context = browser.new_context(locale=lang, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/login")
    page.get_by_label(t("E-mail", lang)).fill(user.email)
    page.get_by_label(t("Password", lang)).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=t("Sign in", lang)).click()
    if secret:
        page.get_by_label(t("Code from your authenticator app, or a recovery code", lang)
                          ).fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name=t("Continue", lang)).click()
    # the signed-in page, loaded with its script (the menu opens by script): a load state
    # awaited at once could be the sign-in page's own, before the new page has come
    page.wait_for_url(lambda url: "/login" not in url)
    page.wait_for_load_state()
    return context, page


def start_memorandum(browser, base, world, lang="uk"):
    """The Ukrainian manager of a ``factories_memoranda.World`` signs in and starts the
    partnership's memorandum; returns the browser context and the memorandum's page."""
    context, page = sign_in(browser, base, world.ua_manager, lang)
    page.goto(f"{base}/partnerships/{world.partnership.id}")
    page.get_by_role("button", name=t("Start the memorandum", lang)).click()
    page.wait_for_load_state()
    return context, page


def pytest_collection_modifyitems(items):
    """The development server leaves a static file's handle to the garbage collector when the
    browser abandons a request mid-way (a favicon while the page moves on): a ResourceWarning
    from werkzeug, not from this project. Browser tests ignore that one warning."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.filterwarnings(
                "ignore:Exception ignored in.*FileIO:pytest.PytestUnraisableExceptionWarning"))
