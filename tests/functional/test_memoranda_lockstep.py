"""Language versions that cannot diverge (issue 13, items 1, 3 and 5): a clause or particular
changed in some languages marks the others "needs update" in the editor, the clause list, the
diff and the draft PDF; submitting, approving and agreeing wait until each language is updated
or explicitly confirmed unchanged (recorded in the version and the audit trail). Diffs read
forward; the draft preview is the PDF's layout as HTML."""

import io

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from partnership.core.models import AuditEvent
from partnership.core.services import ServiceError
from partnership.extensions import db
from partnership.memoranda import approvals, lockstep, printing, services
from partnership.memoranda.models import MemorandumState

from ..conftest import csrf_token, log_in
from ..factories_memoranda import World


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


@pytest.fixture
def world(app):
    return World()


def clause_of(memorandum, key="purpose"):
    return next(c for c in services.latest(memorandum).clauses if c["key"] == key)


def edit_in(actor, memorandum, languages, key="purpose", words=" Changed."):
    """Change a clause's text in ``languages`` only."""
    clause = clause_of(memorandum, key)
    text = {lang: value + (words if lang in languages else "")
            for lang, value in clause["text"].items()}
    created = services.edit_clause(actor, memorandum, services.latest(memorandum).number, key,
                                   dict(clause["title"]), text)
    db.session.commit()
    return created


def confirm(actor, memorandum, language, kind="clause", key="purpose"):
    created = services.confirm_unchanged(actor, memorandum,
                                         services.latest(memorandum).number, kind, key,
                                         language)
    db.session.commit()
    return created


def approve_all(world, memorandum):
    number = services.latest(memorandum).number
    for actor in (world.ua_manager, world.kz_manager, world.officer):
        approvals.approve(actor, memorandum, number)
    db.session.commit()


# --- the record itself (no database) ---------------------------------------------------------

def _clause(uk="a", kk="b", en="c", key="k"):
    return {"key": key, "title": {"uk": "T", "kk": "T", "en": "T"},
            "text": {"uk": uk, "kk": kk, "en": en}}


class _Version:
    def __init__(self, clauses, record):
        self.clauses = clauses
        self.variables = {"particulars": {}, "lockstep": record}


def test_a_change_in_one_language_makes_the_others_lag_and_catching_up_does_not_flip_it():
    first = lockstep.advance(None, None, None, [_clause()], {}, 1)
    assert lockstep.lagging_languages(first, "clause", "k") == ()
    second = lockstep.advance(first, [_clause()], {}, [_clause(uk="a2")], {}, 2)
    assert lockstep.lagging_languages(second, "clause", "k") == ("kk", "en")
    assert second["clauses"]["k"]["changed"] == {"uk": 2, "kk": 1, "en": 1}
    # Kazakh catches up: only English still lags (Ukrainian does not start lagging)
    third = lockstep.advance(second, [_clause(uk="a2")], {}, [_clause(uk="a2", kk="b2")], {}, 3)
    assert lockstep.lagging_languages(third, "clause", "k") == ("en",)
    # English confirmed unchanged: in step, and the confirmation is in the record
    mark = {"kind": "clause", "key": "k", "language": "en", "user_id": 1, "by": "X", "at": "t"}
    fourth = lockstep.advance(third, [_clause(uk="a2", kk="b2")], {},
                              [_clause(uk="a2", kk="b2")], {}, 4, [mark])
    assert lockstep.lagging_languages(fourth, "clause", "k") == ()
    assert fourth["confirmed"] == [mark]
    # a new change in an in-step language is a new revision
    fifth = lockstep.advance(fourth, [_clause(uk="a2", kk="b2")], {},
                             [_clause(uk="a2", kk="b2", en="c5")], {}, 5)
    assert lockstep.lagging_languages(fifth, "clause", "k") == ("uk", "kk")


def test_a_version_saved_before_lockstep_is_in_step_and_its_next_edit_counts():
    old = _Version([_clause()], None)
    assert lockstep.lagging(old) == []
    nxt = lockstep.advance(None if old.variables["lockstep"] is None else {}, [_clause()], {},
                           [_clause(kk="b2")], {}, 7)
    assert lockstep.lagging_languages(nxt, "clause", "k") == ("uk", "en")


# --- the guard --------------------------------------------------------------------------------

def test_submit_is_refused_while_a_clause_lags_and_allowed_after_the_update(world):
    memorandum = world.memorandum()
    edit_in(world.ua_manager, memorandum, {"uk"})
    with pytest.raises(approvals.LanguagesOutOfStep) as refused:
        approvals.submit_for_review(world.ua_manager, memorandum)
    assert "clause 3 in Kazakh, English" in refused.value.message
    assert not approvals.permissions_of(world.ua_manager, memorandum).submit
    assert approvals.permissions_of(world.ua_manager, memorandum).submit_blocked
    db.session.rollback()
    edit_in(world.kz_manager, memorandum, {"kk"})  # Kazakh follows; English still lags
    with pytest.raises(approvals.LanguagesOutOfStep, match="clause 3 in English"):
        approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.rollback()
    edit_in(world.officer, memorandum, {"en"})
    approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.commit()
    assert memorandum.state == MemorandumState.IN_REVIEW


def test_approve_and_agree_are_refused_while_a_clause_lags(world):
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.commit()
    edit_in(world.ua_manager, memorandum, {"uk", "en"})  # edited during review
    number = services.latest(memorandum).number
    for actor in (world.ua_manager, world.kz_manager, world.officer):
        with pytest.raises(approvals.LanguagesOutOfStep, match="clause 3 in Kazakh"):
            approvals.approve(actor, memorandum, number)
        db.session.rollback()
        assert approvals.permissions_of(actor, memorandum).approve_blocked
    edit_in(world.kz_manager, memorandum, {"kk"})
    approve_all(world, memorandum)
    assert memorandum.state == MemorandumState.AGREED


def test_agreement_itself_is_guarded(world, monkeypatch):
    """Even if the approval's own check were passed, the agreement re-checks the languages."""
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.commit()
    edit_in(world.ua_manager, memorandum, {"uk"})
    with pytest.raises(approvals.LanguagesOutOfStep):
        approvals._agree(world.officer, memorandum, services.latest(memorandum))


def test_confirming_no_change_is_recorded_in_the_version_and_the_audit_trail(world):
    memorandum = world.memorandum()
    edit_in(world.ua_manager, memorandum, {"uk"})
    confirm(world.kz_manager, memorandum, "kk")
    with pytest.raises(approvals.LanguagesOutOfStep, match="clause 3 in English"):
        approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.rollback()
    created = confirm(world.officer, memorandum, "en")
    assert created.number == 4 and "no change needed in English" in created.note
    marks = lockstep.confirmations(created)
    assert [(m["kind"], m["key"], m["language"], m["user_id"]) for m in marks] == [
        ("clause", "purpose", "en", world.officer.id)]
    assert marks[0]["by"] == "Андрій Коваленко" and marks[0]["at"]
    audit = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "memorandum.language_confirmed")).all()
    assert [(e.actor_id, e.details["language"], e.details["version"]) for e in audit] == [
        (world.kz_manager.id, "kk", 3), (world.officer.id, "en", 4)]
    approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.commit()
    approve_all(world, memorandum)
    assert memorandum.state == MemorandumState.AGREED


def test_nothing_to_confirm_in_a_language_in_step_and_members_cannot_confirm(world):
    memorandum = world.memorandum()
    with pytest.raises(ServiceError, match="already in step"):
        confirm(world.ua_manager, memorandum, "kk")
    db.session.rollback()
    edit_in(world.ua_manager, memorandum, {"uk"})
    with pytest.raises(Exception):  # noqa: B017 - a member reads and comments only
        confirm(world.ua_member, memorandum, "kk")
    db.session.rollback()
    with pytest.raises(ServiceError, match="already in step"):
        confirm(world.ua_manager, memorandum, "uk")  # the leading language itself


def _particulars_with(memorandum, name, **values):
    particulars = {k: (dict(v) if isinstance(v, dict) else v)
                   for k, v in services.latest(memorandum).variables["particulars"].items()}
    particulars[name].update(values)
    return particulars


def test_a_particular_changed_in_one_language_is_guarded_too(world):
    memorandum = world.memorandum()
    services.save_particulars(world.ua_manager, memorandum, 1, _particulars_with(
        memorandum, "ua.signatory", uk="Оксана Мельник"))
    db.session.commit()
    with pytest.raises(approvals.LanguagesOutOfStep) as refused:
        approvals.submit_for_review(world.ua_manager, memorandum)
    assert "“Signatory of the Ukrainian organisation” in Kazakh, English" in (
        refused.value.message)
    db.session.rollback()
    services.save_particulars(world.ua_manager, memorandum, 2, _particulars_with(
        memorandum, "ua.signatory", kk="Оксана Мельник"))
    db.session.commit()
    confirm(world.officer, memorandum, "en", kind="particular", key="ua.signatory")
    assert lockstep.confirmations(services.latest(memorandum))[0]["key"] == "ua.signatory"
    approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.commit()
    assert memorandum.state == MemorandumState.IN_REVIEW


def test_returning_to_draft_keeps_the_lag(world):
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.commit()
    edit_in(world.ua_manager, memorandum, {"uk"})
    approvals.approve  # noqa: B018 - nobody can approve; back to drafting instead
    approvals.return_to_draft(world.ua_manager, memorandum)
    db.session.commit()
    assert lockstep.by_key(services.latest(memorandum))["purpose"].languages == ("kk", "en")


def test_an_old_version_without_the_record_loads_as_in_step(world):
    memorandum = world.memorandum()
    edit_in(world.ua_manager, memorandum, {"uk"})
    newest = services.latest(memorandum)
    newest.variables = {k: v for k, v in newest.variables.items() if k != "lockstep"}
    db.session.commit()
    assert approvals.divergence_refusal(memorandum) is None
    approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.commit()


# --- the markers ----------------------------------------------------------------------------

def _signed_in(app, user, secret=None):
    client = app.test_client()
    assert log_in(client, user, secret=secret).status_code == 302
    return client


def test_markers_in_the_clause_list_the_editor_and_the_diff(app, world):
    memorandum = world.memorandum()
    edit_in(world.ua_manager, memorandum, {"uk"})
    client = _signed_in(app, world.ua_manager)
    page = client.get(f"/memoranda/{memorandum.id}?language=en").get_data(as_text=True)
    item = page[page.index('id="clause-purpose"'):page.index('id="clause-', page.index(
        'id="clause-purpose"') + 5)]
    assert "Needs update" in item and 'data-language="kk"' in item and 'data-language="en"' in item
    assert "No change needed in Kazakh" in item
    assert 'id="out-of-step"' in page and "/clauses/purpose/edit" in page
    assert 'id="submit-blocked"' in page and "clause 3 in Kazakh, English" in page
    editor = client.get(f"/memoranda/{memorandum.id}/clauses/purpose/edit").get_data(
        as_text=True)
    assert "Needs update" in editor and editor.count("needs update</strong>") == 2
    assert "No change needed in English" in editor
    diff = client.get(f"/memoranda/{memorandum.id}/diff?old=1&new=2&language=kk").get_data(
        as_text=True)
    assert "Needs update" in diff and 'data-language="kk"' in diff
    # a member sees the marker, not the confirmation buttons
    member = _signed_in(app, world.ua_member)
    page = member.get(f"/memoranda/{memorandum.id}").get_data(as_text=True)
    assert "Needs update" in page and "No change needed in" not in page


def test_markers_are_gone_once_in_step(app, world):
    memorandum = world.memorandum()
    edit_in(world.ua_manager, memorandum, {"uk", "kk", "en"})
    client = _signed_in(app, world.ua_manager)
    page = client.get(f"/memoranda/{memorandum.id}").get_data(as_text=True)
    assert "Needs update" not in page and 'id="out-of-step"' not in page


def test_the_confirmation_button_posts_and_records(app, world):
    memorandum = world.memorandum()
    edit_in(world.ua_manager, memorandum, {"uk"})
    client = _signed_in(app, world.kz_manager)
    token = csrf_token(client, f"/memoranda/{memorandum.id}")
    response = client.post(f"/memoranda/{memorandum.id}/confirm-language", data={
        "csrf_token": token, "base_version": "2", "kind": "clause", "key": "purpose",
        "language": "kk", "back": "edit"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/clauses/purpose/edit")
    assert lockstep.by_key(services.latest(memorandum))["purpose"].languages == ("en",)
    # a stale button (version 2 read, 3 saved since) confirms nothing
    client.post(f"/memoranda/{memorandum.id}/confirm-language", data={
        "csrf_token": token, "base_version": "2", "kind": "clause", "key": "purpose",
        "language": "en"})
    assert services.latest(memorandum).number == 3


def _column_texts(data: bytes) -> tuple[list[tuple[float, str]], float]:
    """(x, text) of every text run on every page, and the page's width."""
    found = []
    pages = PdfReader(io.BytesIO(data)).pages

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            found.append((tm[4] * cm[0] + cm[4], text))

    for page in pages:
        page.extract_text(visitor_text=visit)
    return found, float(pages[0].mediabox.width)


def test_the_draft_pdf_marks_the_lagging_language_in_its_own_column(app, world):
    memorandum = world.memorandum()
    edit_in(world.ua_manager, memorandum, {"uk", "kk"})  # English lags
    data = printing.render(memorandum, services.latest(memorandum), ("uk", "kk", "en"))
    runs, width = _column_texts(data)
    marks = [x for x, text in runs if "NEEDS UPDATE" in text]
    assert marks, [t for _x, t in runs][:40]
    assert all(x > width * 0.6 for x in marks)  # the English column, the third
    assert any("version 2" in text for x, text in runs if x > width * 0.6)


def test_an_agreed_pdf_has_no_mark(app, world):
    memorandum = world.memorandum()
    edit_in(world.ua_manager, memorandum, {"uk", "kk", "en"})
    approvals.submit_for_review(world.ua_manager, memorandum)
    approve_all(world, memorandum)
    data = printing.render(memorandum, services.latest(memorandum), ("uk", "kk", "en"))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "NEEDS UPDATE" not in text


# --- forward diffs ----------------------------------------------------------------------------

@pytest.mark.parametrize("asked", ["old=1&new=2", "old=2&new=1"])
def test_a_diff_reads_forward_whichever_order_is_asked(app, world, asked):
    memorandum = world.memorandum()
    edit_in(world.ua_manager, memorandum, {"uk", "kk", "en"}, words=" Нове речення.")
    client = _signed_in(app, world.ua_manager)
    html = client.get(f"/memoranda/{memorandum.id}/diff?{asked}&language=uk").get_data(
        as_text=True)
    assert "What changed from version 1 to version 2" in html
    assert "<ins> Нове речення.</ins>" in html and "<del> Нове речення.</del>" not in html
    assert 'class="diff-page"' in html  # where the "+"/"−" signs are added


# --- the preview ------------------------------------------------------------------------------

def test_the_preview_is_the_pdf_layout_for_whoever_may_read_the_memorandum(app, world):
    memorandum = world.memorandum()
    edit_in(world.ua_manager, memorandum, {"uk", "kk"})
    member = _signed_in(app, world.ua_member)
    response = member.get(f"/memoranda/{memorandum.id}/preview?languages=uk-kk-en")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'class="columns clauses"' in html and "/static/css/pdf.css" in html
    assert "<style>" not in html  # the content security policy allows no inline style
    assert "NEEDS UPDATE" in html and "Changed." in html
    assert f"/memoranda/{memorandum.id}/pdf?version=2" in html
    page = member.get(f"/memoranda/{memorandum.id}").get_data(as_text=True)
    assert f"/memoranda/{memorandum.id}/preview?version=2" in page
    stranger = _signed_in(app, world.stranger)
    assert stranger.get(f"/memoranda/{memorandum.id}/preview").status_code == 404
    assert app.test_client().get(f"/memoranda/{memorandum.id}/preview").status_code == 302
    assert member.get(f"/memoranda/{memorandum.id}/preview?version=99").status_code == 404
    bad = member.get(f"/memoranda/{memorandum.id}/preview?languages=xx")
    assert bad.status_code == 302


def test_the_preview_of_an_earlier_version(app, world):
    memorandum = world.memorandum()
    edit_in(world.ua_manager, memorandum, {"uk", "kk", "en"}, words=" Нове речення.")
    client = _signed_in(app, world.officer, world.officer_secret)
    html = client.get(f"/memoranda/{memorandum.id}/preview?version=1&languages=uk-en"
                      ).get_data(as_text=True)
    assert "Нове речення" not in html and "Preview of version 1 as it prints" in html
