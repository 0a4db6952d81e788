"""The particulars form's preview follows what is typed (static/js/particulars.js): the clause
text with the new value appears in each language without pressing a button, and nothing is
saved until "Save" is pressed."""

import pytest

from partnership.extensions import db
from partnership.memoranda.models import Memorandum

from ..factories_memoranda import World
from .conftest import screenshot, start_memorandum, t

pytestmark = pytest.mark.e2e


def test_the_preview_follows_what_is_typed(live_server, browser):
    world = World()
    base = live_server.live_url
    context, page = start_memorandum(browser, base, world)
    page.get_by_role("link", name=t("Signatories and other particulars", "uk")).click()
    page.wait_for_load_state()
    assert page.locator("#particulars-preview").count() == 0
    page.locator("#ua_coordinator_uk").fill("Олена Петренко")
    page.locator("#ua_coordinator_en").fill("Olena Petrenko")
    preview = page.locator("#particulars-preview")
    preview.locator("[lang=en]", has_text="Olena Petrenko").wait_for(timeout=10_000)
    assert preview.locator("[lang=uk]", has_text="Олена Петренко").count() == 1
    assert "Olena Petrenko" not in preview.locator("[lang=uk]").inner_text()
    assert page.locator("#particulars-preview-status").inner_text() == t(
        "The preview shows what you typed.", "uk")
    screenshot(page, "particulars-live-preview-uk")
    memorandum = db.session.query(Memorandum).one()
    db.session.refresh(memorandum)
    assert len(memorandum.versions) == 1       # a preview saves nothing
    context.close()
