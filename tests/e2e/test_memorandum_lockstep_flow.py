"""Issue 13's scenario in the browser: a clause edited in one language only holds the review
back, visibly; the other languages are updated (one by the Kazakh manager, one confirmed
"no change needed" would also do, see the functional tests); then the three approvals
(Ukrainian manager, Kazakh manager, embassy officer) agree the text."""

import re

import pytest

from partnership.extensions import db
from partnership.memoranda.models import Memorandum, MemorandumState

from ..factories_memoranda import World
from .conftest import screenshot, sign_in, start_memorandum, t
from .test_memorandum_flow import approve

pytestmark = pytest.mark.e2e

UK = " Сторони щороку звітують про результати співробітництва."
KK = " Тараптар ынтымақтастық нәтижелері туралы жыл сайын есеп береді."
EN = " The Parties report on the results of their cooperation every year."


def test_a_clause_edited_in_one_language_waits_for_the_others_then_is_agreed(
        live_server, browser):
    world = World()
    base = live_server.live_url

    # The Ukrainian manager starts the draft and changes clause 5 in Ukrainian only.
    context, page = start_memorandum(browser, base, world)
    page.get_by_role("link", name=t("Edit clause %(number)d", "uk") % {"number": 5}).click()
    text = page.get_by_label(t("Text in Ukrainian", "uk"))
    text.fill(text.input_value() + UK)
    page.get_by_role("button", name=t("Save as a new version", "uk")).click()
    page.wait_for_load_state()

    # The warning: in the clause list, the panel, and the review button waits with its reason.
    clause = page.locator(".clause", has_text=UK.strip())
    clause.get_by_text(t("Needs update", "uk")).first.wait_for()
    assert clause.get_by_text(t("Kazakh", "uk")).count() >= 1
    page.get_by_role("heading", name=re.compile(t("Language versions not in step", "uk"))
                     ).wait_for()
    review = page.get_by_role("button", name=t("Send for review", "uk"))
    assert review.is_disabled()
    assert page.locator("#submit-blocked").is_visible()
    screenshot(page, "lockstep-warning-uk")
    context.close()

    memorandum = db.session.query(Memorandum).one()
    # The Kazakh manager opens the clause from the warning and updates Kazakh and English.
    context, page = sign_in(browser, base, world.kz_manager, "kk")
    page.goto(f"{base}/memoranda/{memorandum.id}")
    page.locator("#out-of-step").get_by_role(
        "link", name=t("Clause %(number)d", "kk") % {"number": 5}).click()
    page.wait_for_load_state()
    page.get_by_text(t("Needs update", "kk")).first.wait_for()
    for label, words in (("Text in Kazakh", KK), ("Text in English", EN)):
        field = page.get_by_label(t(label, "kk"))
        field.fill(field.input_value() + words)
    page.get_by_role("button", name=t("Save as a new version", "kk")).click()
    page.wait_for_load_state()
    assert page.get_by_text(t("Needs update", "kk")).count() == 0
    # In step: the draft goes for review, and the Kazakh side approves.
    page.get_by_role("button", name=t("Send for review", "kk")).click()
    page.wait_for_load_state()
    approve(page, "kk")
    context.close()

    context, page = sign_in(browser, base, world.ua_manager, "uk")
    page.goto(f"{base}/memoranda/{memorandum.id}")
    approve(page, "uk")
    context.close()

    context, page = sign_in(browser, base, world.officer, "en", secret=world.officer_secret)
    page.goto(f"{base}/memoranda/{memorandum.id}?language=en")
    approve(page, "en")
    page.get_by_text(t("SHA-256 of the agreed text", "en")).wait_for()
    page.get_by_text(EN.strip()).wait_for()
    context.close()
    db.session.refresh(memorandum)
    assert memorandum.state == MemorandumState.AGREED
