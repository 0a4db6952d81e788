"""Memorandum pages over HTTP: editing, the conflict page, concurrent saves, downloads, the
public verification page, the signed scan, and the command line."""

import io
import re
import threading
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from partnership.core.models import AuditEvent
from partnership.extensions import db
from partnership.memoranda import approvals, content, printing, services
from partnership.memoranda.models import MemorandumVersion

from ..conftest import log_in, post_form
from ..factories_memoranda import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(app):
    return World()


def signed_in(app, user, secret=None):
    client = app.test_client()
    assert log_in(client, user, secret=secret).status_code == 302
    return client


def clause_form(memorandum, key, suffix, base):
    clause = next(c for c in services.latest(memorandum).clauses if c["key"] == key)
    data = {"base_version": str(base)}
    for lang in ("uk", "kk", "en"):
        data[f"title_{lang}"] = clause["title"][lang]
        data[f"text_{lang}"] = clause["text"][lang] + suffix
    return data


def test_editing_a_clause_makes_a_version(app, world):
    memorandum = world.memorandum()
    client = signed_in(app, world.kz_manager)
    page = client.get(f"/memoranda/{memorandum.id}/clauses/purpose/edit")
    assert page.status_code == 200 and 'name="base_version"' in page.get_data(as_text=True)
    response = post_form(client, f"/memoranda/{memorandum.id}/clauses/purpose/edit",
                         clause_form(memorandum, "purpose", " Жаңа сөйлем.", 1))
    assert response.status_code == 302
    assert services.latest(memorandum).number == 2
    text = client.get(f"/memoranda/{memorandum.id}?language=kk").get_data(as_text=True)
    assert "Жаңа сөйлем." in text and "Version 2 of 2" in text
    diff = client.get(f"/memoranda/{memorandum.id}/diff?old=1&new=2&language=kk")
    assert "<ins> Жаңа сөйлем.</ins>" in diff.get_data(as_text=True)


def test_a_save_on_an_older_version_gets_the_conflict_page(app, world):
    memorandum = world.memorandum()
    first, second = signed_in(app, world.ua_manager), signed_in(app, world.kz_manager)
    post_form(first, f"/memoranda/{memorandum.id}/clauses/costs/edit",
              clause_form(memorandum, "costs", " FIRST-SAVED.", 1))
    response = post_form(second, f"/memoranda/{memorandum.id}/clauses/costs/edit",
                         clause_form(memorandum, "costs", " SECOND-TYPED.", 1))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert re.search(r"<textarea[^>]*>[^<]*SECOND-TYPED\.</textarea>", html)  # still editable
    assert "FIRST-SAVED." in html                                             # next to theirs
    assert 'name="base_version" type="hidden" value="2"' in html
    assert services.latest(memorandum).number == 2


@pytest.mark.parametrize("guard", ["row_lock", "unique_constraint_alone"])
def test_two_saves_at_the_same_moment_one_wins_one_gets_the_conflict(app, world, monkeypatch,
                                                                      guard):
    """Two saves based on version 1 start together, each request with its own application
    context and session. With the row lock (PostgreSQL) the second reads version 2 and gets the
    conflict; with the lock switched off, both pass the version check and the database's
    unique constraint refuses the second version 2. Either way: one version, one conflict page
    that still holds the loser's text."""
    memorandum = world.memorandum()
    clients = [signed_in(app, world.ua_manager), signed_in(app, world.kz_manager)]
    forms = [clause_form(memorandum, "costs", f" TEXT-OF-{n}.", 1) for n in (0, 1)]
    tokens = [re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', c.get(
        f"/memoranda/{memorandum.id}/clauses/costs/edit").get_data(as_text=True)).group(1)
        for c in clients]
    barrier = threading.Barrier(2, timeout=20)
    name = "lock" if guard == "row_lock" else "_add_version"
    original = getattr(services, name)

    def together(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(services, name, together)
    if guard == "unique_constraint_alone":
        monkeypatch.setattr(services, "lock", lambda memorandum: None)
    responses = [None, None]

    def save(n):
        responses[n] = clients[n].post(f"/memoranda/{memorandum.id}/clauses/costs/edit",
                                       data={"csrf_token": tokens[n], **forms[n]})

    threads = [threading.Thread(target=save, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302, 409]
    loser = next(n for n in (0, 1) if responses[n].status_code == 409)
    assert f"TEXT-OF-{loser}." in responses[loser].get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(MemorandumVersion.id))) == 2
    assert f"TEXT-OF-{1 - loser}." in services.latest(memorandum).clauses[9]["text"]["en"]


def test_strangers_get_404_and_members_read_and_comment_only(app, world):
    memorandum = world.memorandum()
    stranger = signed_in(app, world.stranger)
    for path in ("", "/versions", "/diff", "/particulars", "/clauses/costs/edit", "/pdf"):
        assert stranger.get(f"/memoranda/{memorandum.id}{path}").status_code == 404
    member = signed_in(app, world.ua_member)
    assert member.get(f"/memoranda/{memorandum.id}").status_code == 200
    assert member.get(f"/memoranda/{memorandum.id}/clauses/costs/edit").status_code == 404
    assert member.get(f"/memoranda/{memorandum.id}/particulars").status_code == 404
    response = post_form(member, f"/memoranda/{memorandum.id}/comments",
                         {"clause_key": "costs", "body": "Питання щодо витрат",
                          "version_number": "1"})
    assert response.status_code == 302
    assert "Питання щодо витрат" in member.get(f"/memoranda/{memorandum.id}").get_data(
        as_text=True)
    post_form(member, f"/memoranda/{memorandum.id}/submit", {})
    db.session.refresh(memorandum)
    assert memorandum.state == "draft"


def test_the_partnership_page_shows_the_memorandum(app, world):
    client = signed_in(app, world.ua_manager)
    page = client.get(f"/partnerships/{world.partnership.id}").get_data(as_text=True)
    assert "Start the memorandum" in page
    response = post_form(client, f"/partnerships/{world.partnership.id}/memorandum", {})
    assert response.status_code == 302
    page = client.get(f"/partnerships/{world.partnership.id}").get_data(as_text=True)
    assert "Open the memorandum" in page and "0 of 3 approvals" in page


def agree(world, memorandum):
    approvals.submit_for_review(world.ua_manager, memorandum)
    for actor in (world.ua_manager, world.kz_manager, world.officer):
        approvals.approve(actor, memorandum, services.latest(memorandum).number)
    db.session.commit()


def test_approvals_through_the_pages(app, world):
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.commit()
    for user, secret in ((world.ua_manager, None), (world.kz_manager, None),
                         (world.officer, world.officer_secret)):
        client = signed_in(app, user, secret)
        assert post_form(client, f"/memoranda/{memorandum.id}/approve",
                         {"base_version": "1"}).status_code == 302
    db.session.refresh(memorandum)
    assert memorandum.state == "agreed"
    page = client.get(f"/memoranda/{memorandum.id}").get_data(as_text=True)
    assert memorandum.text_hash in page and "/verify/" in page


def test_download_has_a_clear_name_and_is_cached(app, world, monkeypatch):
    memorandum = world.memorandum()
    agree(world, memorandum)
    client = signed_in(app, world.kz_manager)
    path = f"/memoranda/{memorandum.id}/pdf?languages=uk-kk-en&version=1"
    response = client.get(path)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=memorandum-UA-KZ-2026-0001-v1-uk-kk-en.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    compact = re.sub(r"\s+", " ", text)
    for name in ("Миколаївська обласна дитяча лікарня", "«Шаңырақ» оңалту орталығы",
                 "Shanyrak Rehabilitation Centre"):
        assert name in compact, name
    for number in (1, 9, 17):
        assert f"{number}." in compact
    monkeypatch.setattr(printing, "render", lambda *a: pytest.fail("rendered again"))
    again = client.get(path)
    assert again.data == response.data
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "memorandum.rendered")) == 1
    assert client.get(f"/memoranda/{memorandum.id}/pdf?languages=uk-uk").status_code == 302


def test_the_verification_page_is_public_and_says_nothing_private(app, world):
    memorandum = world.memorandum()
    agree(world, memorandum)
    client = app.test_client()
    page = client.get(f"/verify/{memorandum.verification_code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "UA-KZ-2026-0001" in html and memorandum.text_hash[:content.SHORT_HASH] in html
    assert "Mykolaiv Regional Children&#39;s Hospital" in html or "Mykolaiv" in html
    assert memorandum.text_hash not in html           # the short hash only
    for private in (world.ua_manager.email, world.officer.full_name, "Оксана Мельник"):
        assert private not in html
    assert client.get("/verify/not-a-real-code").status_code == 404


def test_signing_with_a_scan_served_only_to_the_partnership(app, world):
    memorandum = world.memorandum()
    agree(world, memorandum)
    officer = signed_in(app, world.officer, world.officer_secret)
    bad = officer.post(f"/memoranda/{memorandum.id}/sign", data={
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', officer.get(
            f"/memoranda/{memorandum.id}/sign").get_data(as_text=True)).group(1),
        "signed_on": date.today().isoformat(), "place": "Астана", "signatories": "Олена Коваль",
        "scan": (io.BytesIO(b"<html>not a pdf</html>"), "scan.pdf")})
    assert bad.status_code == 200 and "not an accepted type" in bad.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      bad.get_data(as_text=True)).group(1)
    good = officer.post(f"/memoranda/{memorandum.id}/sign", data={
        "csrf_token": token, "signed_on": date.today().isoformat(), "place": "Астана",
        "signatories": "Олена Коваль", "scan": (io.BytesIO(PDF), "scan.pdf")})
    assert good.status_code == 302
    db.session.refresh(memorandum)
    assert memorandum.state == "signed" and memorandum.partnership.status == "signed"
    member = signed_in(app, world.ua_member)
    scan = member.get(f"/memoranda/{memorandum.id}/scan")
    assert scan.data == PDF and scan.headers["Content-Disposition"].startswith("attachment")
    assert signed_in(app, world.stranger).get(
        f"/memoranda/{memorandum.id}/scan").status_code == 404
    assert app.test_client().get(f"/memoranda/{memorandum.id}/scan").status_code == 302


def test_the_template_editor_saves_a_new_version(app, world):
    officer = signed_in(app, world.officer, world.officer_secret)
    page = officer.get("/embassy/memorandum-template/edit").get_data(as_text=True)
    data = {name: value for name, value in re.findall(
        r'<input[^>]*name="([^"]+__title__[a-z]+)"[^>]*value="([^"]*)"', page)}
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+__text__[a-z]+)"[^>]*>\n?([^<]*)'
                                  r"</textarea>", page):
        import html as html_module

        data[name] = html_module.unescape(value)
    data = {k: __import__("html").unescape(v) for k, v in data.items()}
    assert len(data) == 17 * 6
    data["costs__text__en"] += " Each Party bears its own costs."
    response = post_form(officer, "/embassy/memorandum-template/edit",
                         {**data, "base_number": "2", "note": "costs clarified"})
    assert response.status_code == 302
    assert services.current_template().number == 3  # after the shipped version 2
    assert "costs clarified" in officer.get("/embassy/memorandum-template").get_data(
        as_text=True)


def test_render_memorandum_command(app, world, tmp_path):
    world.memorandum()
    output = tmp_path / "m.pdf"
    result = app.test_cli_runner().invoke(args=[
        "render-memorandum", str(world.partnership.id), "--languages", "kk,en", "-o",
        str(output)])
    assert result.exit_code == 0, result.output
    assert output.read_bytes().startswith(b"%PDF")
    assert "memorandum-UA-KZ-2026-0001-v1-kk-en.pdf" in result.output
    bad = app.test_cli_runner().invoke(args=["render-memorandum", "999", "-o", str(output)])
    assert bad.exit_code != 0


def test_particulars_through_the_form_and_in_the_diff(app, world):
    memorandum = world.memorandum()
    client = signed_in(app, world.ua_manager)
    page = client.get(f"/memoranda/{memorandum.id}/particulars").get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*name="((?:ua|kz)_[a-z]+_[a-z]{2}|areas_[a-z]{2}|'
                           r'forms_[a-z]{2}|place_[a-z]{2})"[^>]*value="([^"]*)"', page))
    assert data["ua_city_uk"] == "Миколаїв" and data["ua_signatory_en"] == ""
    data.update({"ua_signatory_uk": "Олена Коваль", "ua_signatory_kk": "Олена Коваль",
                 "ua_signatory_en": "Olena Koval", "term_years": "3",
                 "prevailing_language": "uk", "base_version": "1"})
    assert post_form(client, f"/memoranda/{memorandum.id}/particulars", data).status_code == 302
    html = client.get(f"/memoranda/{memorandum.id}/diff?old=1&new=2&language=en").get_data(
        as_text=True)
    assert "Changed particulars" in html and "<ins>Olena Koval</ins>" in html
    assert "<del>English</del><ins>Ukrainian</ins>" in html
    text = client.get(f"/memoranda/{memorandum.id}?language=en").get_data(as_text=True)
    assert "represented by Olena Koval" in text and "the Ukrainian text prevails" in text


def test_the_last_two_approvals_at_the_same_moment_agree_the_memorandum(app, world,
                                                                         monkeypatch):
    """Each of the last two approvals reads two approvals before the other is stored; the
    memorandum must still become agreed (it reads again after its own write)."""
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    approvals.approve(world.officer, memorandum, 1)
    db.session.commit()
    clients = [signed_in(app, world.ua_manager), signed_in(app, world.kz_manager)]
    tokens = [re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', c.get(
        f"/memoranda/{memorandum.id}").get_data(as_text=True)).group(1) for c in clients]
    barrier = threading.Barrier(2, timeout=20)
    original = services.party_of

    def party_of_together(*args):
        barrier.wait()
        return original(*args)

    monkeypatch.setattr(services, "party_of", party_of_together)
    responses = [None, None]

    def approve(n):
        responses[n] = clients[n].post(f"/memoranda/{memorandum.id}/approve",
                                       data={"csrf_token": tokens[n], "base_version": "1"})

    threads = [threading.Thread(target=approve, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [r.status_code for r in responses] == [302, 302]
    db.session.expire_all()
    assert memorandum.state == "agreed" and len(approvals.current_approvals(memorandum)) == 3
