"""From a partnership to an agreed memorandum in the browser: the Ukrainian manager starts and
edits the draft and sends it for review, both managers and an embassy officer (with TOTP)
approve, and the agreed PDF is downloaded."""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from partnership.extensions import db
from partnership.memoranda.models import Memorandum

from ..factories_memoranda import World
from .conftest import screenshot, sign_in, start_memorandum, t

pytestmark = pytest.mark.e2e


def approve(page, lang):
    # The label's words around its placeholders, in whatever order the language puts them.
    label = t("Approve version %(number)d for the %(party)s", lang)
    words = ".*".join(re.escape(part) for part in re.split(r"%\(\w+\)[sd]", label))
    page.get_by_role("button", name=re.compile(words)).click()
    page.wait_for_load_state()


def test_memorandum_from_draft_to_agreed_pdf(live_server, browser):
    world = World()
    base = live_server.live_url

    context, page = start_memorandum(browser, base, world)
    page.get_by_role("link", name=t("Edit clause %(number)d", "uk") % {"number": 10}).click()
    text = page.get_by_label(t("Text in Ukrainian", "uk"))
    text.fill(text.input_value() + " Витрати на проживання стажистів несе приймаюча Сторона.")
    # every language follows (a change in one language alone holds the review back)
    for label, words in (("Text in Kazakh", " Тағылымдамадан өтушілердің тұру шығындарын "
                                            "қабылдаушы Тарап көтереді."),
                         ("Text in English", " The host Party bears the trainees' "
                                             "accommodation costs.")):
        other = page.get_by_label(t(label, "uk"))
        other.fill(other.input_value() + words)
    page.get_by_role("button", name=t("Save as a new version", "uk")).click()
    page.wait_for_load_state()
    page.get_by_text("Витрати на проживання стажистів несе приймаюча Сторона.").wait_for()
    page.get_by_role("button", name=t("Send for review", "uk")).click()
    page.wait_for_load_state()
    approve(page, "uk")
    screenshot(page, "memorandum-review-uk")
    context.close()

    memorandum = db.session.query(Memorandum).one()
    context, page = sign_in(browser, base, world.kz_manager, "kk")
    page.goto(f"{base}/memoranda/{memorandum.id}")
    approve(page, "kk")
    context.close()

    context, page = sign_in(browser, base, world.officer, "en", secret=world.officer_secret)
    page.goto(f"{base}/memoranda/{memorandum.id}?language=en")
    approve(page, "en")
    page.get_by_text(t("SHA-256 of the agreed text", "en")).wait_for()
    screenshot(page, "memorandum-agreed-en")
    page.get_by_label(re.compile(t("Languages side by side", "en"))).select_option("uk-kk-en")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=t("Download the PDF", "en")).click()
    download = download_info.value
    assert download.suggested_filename == "memorandum-UA-KZ-2026-0001-v2-uk-kk-en.pdf"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = re.sub(r"\s+", " ", "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    for name in ("Миколаївська обласна дитяча лікарня", "«Шаңырақ» оңалту орталығы",
                 "Mykolaiv Regional Children's Hospital"):
        assert name in text, name
    assert "Витрати на проживання стажистів несе приймаюча Сторона." in text
    context.close()
