"""Memoranda review fixes: the memorandum and its partnership's status, edits that must not be
lost, amendments keeping the particulars, translated template problems, the comment form, the
reproducible PDF and verification page, and approvals after returning to draft."""

import re

import pytest
from flask_babel import force_locale
from flask_babel.speaklater import LazyString

from partnership.core.services import ServiceError
from partnership.extensions import db
from partnership.memoranda import approvals, content, printing, services
from partnership.memoranda import template as texts
from partnership.memoranda import workflow as memorandum_workflow
from partnership.memoranda.models import MemorandumState
from partnership.partnerships import services as partnerships
from partnership.partnerships import workflow as partnership_workflow
from partnership.partnerships.models import PartnershipStatus

from ..conftest import log_in, post_form
from ..factories_memoranda import World


@pytest.fixture(autouse=True)
def english(app):
    """Service messages are translated; these tests read them in English (the source)."""
    with force_locale("en"):
        yield


@pytest.fixture
def world(app):
    return World()


def signed_in(app, user, secret=None):
    client = app.test_client()
    assert log_in(client, user, secret=secret).status_code == 302
    return client


def clause_form(memorandum, key, suffix, base, number=None):
    clause = next(c for c in services.version(memorandum, number or base).clauses
                  if c["key"] == key)
    data = {"base_version": str(base)}
    for lang in ("uk", "kk", "en"):
        data[f"title_{lang}"] = clause["title"][lang]
        data[f"text_{lang}"] = clause["text"][lang] + suffix
    return data


def agree(world, memorandum):
    approvals.submit_for_review(world.ua_manager, memorandum)
    for actor in (world.ua_manager, world.kz_manager, world.officer):
        approvals.approve(actor, memorandum, services.latest(memorandum).number)
    db.session.commit()


def edit(actor, memorandum, key="purpose"):
    clause = next(c for c in services.latest(memorandum).clauses if c["key"] == key)
    return services.edit_clause(actor, memorandum, services.latest(memorandum).number, key,
                                clause["title"], {k: v + " X." for k, v in clause["text"].items()})


# --- 1. the memorandum and the partnership's status ----------------------------------------

@pytest.mark.parametrize("status", [PartnershipStatus.ON_HOLD, PartnershipStatus.COMPLETED,
                                    PartnershipStatus.TERMINATED])
def test_memorandum_actions_are_refused_while_the_partnership_is_held_or_ended(world, status):
    draft = world.memorandum()
    world.partnership.status = status
    db.session.commit()
    with pytest.raises(ServiceError, match="on hold or has ended"):
        edit(world.ua_manager, draft)
    with pytest.raises(ServiceError, match="on hold or has ended"):
        approvals.submit_for_review(world.ua_manager, draft)
    db.session.rollback()
    # a comment is still possible
    services.add_comment(world.ua_member, draft, "costs", "Коли продовжимо?", 1)
    draft.state = MemorandumState.IN_REVIEW
    with pytest.raises(ServiceError, match="on hold or has ended"):
        approvals.approve(world.ua_manager, draft, 1)
    with pytest.raises(ServiceError, match="on hold or has ended"):
        approvals.return_to_draft(world.ua_manager, draft)
    draft.state = MemorandumState.AGREED
    import io
    from datetime import date

    with pytest.raises(ServiceError, match="on hold or has ended"):
        approvals.sign(world.officer, draft, signed_on=date.today(), place="Астана",
                       signatories="x", scan=io.BytesIO(b"%PDF-1.4\n%%EOF\n"))
    db.session.rollback()


def test_the_refusal_reaches_the_person_with_their_text(app, world):
    memorandum = world.memorandum()
    partnerships.change_status(world.officer, world.partnership, "on_hold", "Пауза")
    db.session.commit()
    client = signed_in(app, world.kz_manager)
    response = post_form(client, f"/memoranda/{memorandum.id}/clauses/costs/edit",
                         clause_form(memorandum, "costs", " HELD-TEXT.", 1))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HELD-TEXT." in html
    assert "on hold or has ended" in html
    assert services.latest(memorandum).number == 1
    page = client.get(f"/memoranda/{memorandum.id}").get_data(as_text=True)
    assert "on hold or has ended" in page and "Send for review" not in page


def test_terminating_the_partnership_terminates_its_open_memorandum(world):
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.commit()
    partnerships.change_status(world.officer, world.partnership, "terminated",
                               "Фінансування припинено")
    db.session.commit()
    db.session.refresh(memorandum)
    assert memorandum.state == MemorandumState.TERMINATED
    assert "Фінансування припинено" in memorandum.end_reason
    assert world.partnership.status == PartnershipStatus.TERMINATED


def test_the_partnership_status_table_covers_every_memorandum_state():
    implied = memorandum_workflow.PARTNERSHIP_STATUS
    assert set(implied) == set(MemorandumState)
    assert implied[MemorandumState.TERMINATED] == PartnershipStatus.FORMING
    assert implied[MemorandumState.SUPERSEDED] is None


def test_a_terminated_memorandum_sends_the_partnership_back_to_forming(world):
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    approvals.terminate(world.officer, memorandum, "Текст не підходить")
    db.session.commit()
    assert world.partnership.status == PartnershipStatus.FORMING
    assert services.create_memorandum(world.ua_manager, world.partnership).state == "draft"


MEMORANDUM_STATUSES = {PartnershipStatus.MOU_DRAFTING, PartnershipStatus.MOU_REVIEW,
                       PartnershipStatus.MOU_AGREED, PartnershipStatus.SIGNED}


@pytest.mark.parametrize("state", list(PartnershipStatus))
def test_the_embassy_cannot_set_memorandum_statuses_by_hand(state):
    assert not MEMORANDUM_STATUSES & set(partnership_workflow.TRANSITIONS[state])


def test_the_status_form_offers_no_memorandum_status_and_resuming_follows_it(app, world):
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.commit()
    officer = signed_in(app, world.officer, world.officer_secret)
    page = officer.get(f"/partnerships/{world.partnership.id}").get_data(as_text=True)
    assert 'value="mou_agreed"' not in page and 'value="on_hold"' in page
    assert post_form(officer, f"/partnerships/{world.partnership.id}/status",
                     {"status": "mou_agreed"}).status_code == 302
    db.session.refresh(world.partnership)
    assert world.partnership.status == PartnershipStatus.MOU_REVIEW
    partnerships.change_status(world.officer, world.partnership, "on_hold", "")
    partnerships.change_status(world.officer, world.partnership, "forming", "resumed")
    db.session.commit()
    assert world.partnership.status == PartnershipStatus.MOU_REVIEW  # follows the memorandum


# --- 2. lost edits -----------------------------------------------------------------------------

def test_editing_a_clause_removed_meanwhile_gets_the_conflict_page_with_the_text(app, world):
    memorandum = world.memorandum()
    client = signed_in(app, world.kz_manager)
    assert client.get(f"/memoranda/{memorandum.id}/clauses/costs/edit").status_code == 200
    services.remove_clause(world.officer, memorandum, 1, "costs")
    db.session.commit()
    response = post_form(client, f"/memoranda/{memorandum.id}/clauses/costs/edit",
                         clause_form(memorandum, "costs", " MY-TYPED-TEXT.", 1))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert re.search(r"<textarea[^>]*>[^<]*MY-TYPED-TEXT\.</textarea>", html)
    assert "was removed" in html
    assert services.latest(memorandum).number == 2


def test_editing_a_text_frozen_meanwhile_gets_the_conflict_page_with_the_text(app, world):
    memorandum = world.memorandum()
    client = signed_in(app, world.kz_manager)
    assert client.get(f"/memoranda/{memorandum.id}/clauses/costs/edit").status_code == 200
    agree(world, memorandum)
    response = post_form(client, f"/memoranda/{memorandum.id}/clauses/costs/edit",
                         clause_form(memorandum, "costs", " LATE-TEXT.", 1))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert re.search(r"<textarea[^>]*>[^<]*LATE-TEXT\.</textarea>", html)
    assert "frozen" in html
    assert services.latest(memorandum).number == 1


def test_frozen_while_saving_the_particulars_keeps_them(app, world):
    memorandum = world.memorandum()
    client = signed_in(app, world.ua_manager)
    page = client.get(f"/memoranda/{memorandum.id}/particulars").get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*name="((?:ua|kz)_[a-z]+_[a-z]{2}|areas_[a-z]{2}|'
                           r'forms_[a-z]{2}|place_[a-z]{2})"[^>]*value="([^"]*)"', page))
    agree(world, memorandum)
    data.update({"ua_signatory_en": "Olena-Late", "term_years": "3",
                 "prevailing_language": "uk", "base_version": "1"})
    response = post_form(client, f"/memoranda/{memorandum.id}/particulars", data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'value="Olena-Late"' in html and "frozen" in html


def test_adding_after_a_clause_removed_meanwhile_gets_the_conflict_page(app, world):
    memorandum = world.memorandum()
    client = signed_in(app, world.kz_manager)
    services.remove_clause(world.officer, memorandum, 1, "costs")
    db.session.commit()
    data = {"base_version": "2", "after": "costs"}
    for lang in ("uk", "kk", "en"):
        data[f"title_{lang}"] = "Новий"
        data[f"text_{lang}"] = "NEW-CLAUSE-TEXT."
    response = post_form(client, f"/memoranda/{memorandum.id}/clauses/new", data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert re.search(r"<textarea[^>]*>[^<]*NEW-CLAUSE-TEXT\.</textarea>", html)
    assert "was removed" in html
    assert services.latest(memorandum).number == 2


# --- 3. amendments keep the particulars ------------------------------------------------------

def test_supersede_keeps_the_particulars(world):
    memorandum = world.memorandum()
    particulars = dict(services.latest(memorandum).variables["particulars"])
    particulars.update({
        "ua.signatory": {"uk": "Олена Коваль", "kk": "Олена Коваль", "en": "Olena Koval"},
        "kz.coordinator": {"uk": "Айгерім", "kk": "Айгерім", "en": "Aigerim"},
        "place": {"uk": "Астана", "kk": "Астана", "en": "Astana"},
        "areas": {"uk": "реабілітація", "kk": "оңалту", "en": "rehabilitation"},
        "term_years": "3", "prevailing_language": "uk"})
    services.save_particulars(world.ua_manager, memorandum, 1, particulars)
    db.session.commit()
    agree(world, memorandum)
    new = approvals.supersede(world.officer, memorandum)
    db.session.commit()
    assert services.latest(new).variables["particulars"] == particulars


# --- 4. template problems are translatable ---------------------------------------------------

def test_template_problems_are_lazy_translatable_strings(app):
    shipped = texts.load_template()
    broken = texts.Template(shipped.version, shipped.title, {}, (texts.Clause(
        "x", {"uk": "", "kk": "{% if %}", "en": "{{ a }}"}, {"uk": "t", "kk": "t", "en": "t"}),))
    found = texts.problems(broken)
    assert found and all(isinstance(problem, LazyString) for problem in found)
    joined = " ".join(str(problem) for problem in found)
    assert "x: the title in uk is empty" in joined and "unknown variables: a" in joined


# --- 5. the comment form -----------------------------------------------------------------------

def test_a_non_numeric_version_number_is_a_bad_request(app, world):
    memorandum = world.memorandum()
    client = signed_in(app, world.ua_member)
    response = post_form(client, f"/memoranda/{memorandum.id}/comments",
                         {"clause_key": "costs", "body": "Питання", "version_number": "abc"})
    assert response.status_code == 400


def test_a_too_long_comment_comes_back_with_its_text_and_the_error(app, world):
    memorandum = world.memorandum()
    client = signed_in(app, world.ua_member)
    body = "ДОВГИЙ-КОМЕНТАР " * 400
    response = post_form(client, f"/memoranda/{memorandum.id}/comments",
                         {"clause_key": "costs", "body": body, "version_number": "1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert body.strip() in html and "5000" in html
    assert services.comments_of(memorandum) == {}


# --- 6. a reproducible PDF -----------------------------------------------------------------------

def test_the_pdf_prints_the_names_and_codes_stored_in_the_version(world):
    memorandum = world.memorandum()
    agree(world, memorandum)
    stored_code = world.ua.registry_code
    world.ua.registry_code = "99999999"
    world.kz.registry_code = "999999999999"
    world.ua.name_en = "Renamed Hospital"
    db.session.commit()
    printed = printing.printed(memorandum, services.latest(memorandum), ("uk", "en"))
    assert printed.ukrainian_party.registry_code == stored_code
    assert printed.kazakh_party.registry_code != "999999999999"
    assert printed.ukrainian_party.name["en"] == "Mykolaiv Regional Children's Hospital"


def test_the_cache_key_holds_the_base_url_of_the_verify_link(make_app, world):
    memorandum = world.memorandum()
    agree(world, memorandum)
    version = services.latest(memorandum)
    paths = set()
    for base in ("https://a.example.org", "https://b.example.org"):
        other = make_app(PUBLIC_BASE_URL=base)
        with other.app_context():
            found = services.get_memorandum(world.officer, memorandum.id)
            paths.add(printing._cache_key(found, version, ("uk", "en")))
    assert len(paths) == 2


def test_the_pdf_and_the_verify_page_show_the_same_short_hash(app, world):
    from partnership.memoranda.pdf import memorandum_html

    memorandum = world.memorandum()
    agree(world, memorandum)
    with app.test_request_context():
        html = memorandum_html(printing.printed(memorandum, services.latest(memorandum),
                                                ("uk", "en")))
    short = memorandum.text_hash[:content.SHORT_HASH]
    assert short in html and memorandum.text_hash[:content.SHORT_HASH + 1] not in html
    page = app.test_client().get(f"/verify/{memorandum.verification_code}")
    text = page.get_data(as_text=True)
    assert short in text and memorandum.text_hash[:content.SHORT_HASH + 1] not in text
    assert f"first {content.SHORT_HASH} characters" in text
    assert "not the agreed text" in text and "word for word" in text


# --- 7. approvals after returning to draft --------------------------------------------------

def test_returning_to_draft_withdraws_the_approvals(world):
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    approvals.approve(world.ua_manager, memorandum, 1)
    approvals.approve(world.kz_manager, memorandum, 1)
    db.session.commit()
    approvals.return_to_draft(world.officer, memorandum)
    db.session.commit()
    assert approvals.current_approvals(memorandum) == {}
    assert approvals.withdrawn_approvals(memorandum) == 2
    approvals.submit_for_review(world.ua_manager, memorandum)  # unchanged text
    newest = services.latest(memorandum).number
    with pytest.raises(ServiceError, match="saved after"):
        approvals.approve(world.officer, memorandum, 1)
    approvals.approve(world.officer, memorandum, newest)
    db.session.commit()
    assert memorandum.state == MemorandumState.IN_REVIEW      # one approval is not three
    assert services.latest(memorandum).clauses == services.version(memorandum, 1).clauses
