"""A clause that passes the check never breaks the memorandum (issue 10, item 2).

``{{{ ua.name }}`` and its kind used to pass the clause check and then raise on every render:
the memorandum page and its PDF answered 500 for everyone. Now such a text is refused when it
is saved (clause editor, new clause, template editor) with the message next to it and the
typed text kept; and a version stored before the fix still shows, its clause as typed under
a notice, on the page, in the PDF, in an amendment and on the verification page.
"""

import io
import re

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import func, select

from partnership.core.database import utcnow
from partnership.extensions import db
from partnership.memoranda import approvals, services
from partnership.memoranda.models import MemorandumTemplate, MemorandumVersion

from ..conftest import log_in, post_form
from ..factories_memoranda import World

MALFORMED = ["{{{ ua.name }}", "{{{ ua.name }}}", "{{{ ua.name }}{{ kz.name }}"]
NOTICE = "could not be filled in"


@pytest.fixture
def world(app):
    return World()


def signed_in(app, user, secret=None):
    client = app.test_client()
    assert log_in(client, user, secret=secret).status_code == 302
    return client


def version_count(memorandum) -> int:
    return db.session.scalar(select(func.count(MemorandumVersion.id))
                             .where(MemorandumVersion.memorandum_id == memorandum.id))


def clause_data(memorandum, key: str, text: str) -> dict:
    """The clause form with the clause's titles and ``text`` in every language (the same
    variables in each, so that nothing but the braces is wrong)."""
    newest = services.latest(memorandum)
    clause = next(c for c in newest.clauses if c["key"] == key)
    data = {"base_version": str(newest.number)}
    for lang in ("uk", "kk", "en"):
        data[f"title_{lang}"] = clause["title"][lang]
        data[f"text_{lang}"] = text
    return data


def store_bad_version(world, memorandum, text: str):
    """A version as an older build saved it: the clause check is bypassed."""
    newest = services.latest(memorandum)
    clauses = [dict(c) for c in newest.clauses]
    purpose = next(c for c in clauses if c["key"] == "purpose")
    purpose["text"] = {**purpose["text"], "uk": f"Сторони {text} домовились."}
    purpose["title"] = {**purpose["title"], "en": f"Purpose of {text}"}
    template = db.session.get(MemorandumTemplate, newest.template_id)
    services._add_version(world.ua_manager, memorandum, newest.number + 1, clauses,
                          newest.variables["particulars"], "saved by an older build",
                          title=newest.variables["title"], template=template)
    db.session.commit()


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- refused when saved -----------------------------------------------------------------------

@pytest.mark.parametrize("text", MALFORMED)
def test_a_malformed_variable_in_a_clause_is_refused_with_the_text_kept(app, world, text):
    memorandum = world.memorandum()
    client = signed_in(app, world.ua_manager)
    typed = f"The Parties {text} agree."
    response = post_form(client, f"/memoranda/{memorandum.id}/clauses/purpose/edit",
                         clause_data(memorandum, "purpose", typed))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # next to the Ukrainian text (the first with the problem), and every text as typed
    error = re.search(r'id="text_uk-error">([^<]*)<', html)
    assert error, "the message stands next to the clause's text"
    assert "purpose: “{{{ ua.name }}” in the text (uk) is not a variable" in error.group(1)
    assert "in the text (en) is not a variable" in error.group(1)
    assert html.count(f"{typed}</textarea>") == 3
    assert version_count(memorandum) == 1
    assert client.get(f"/memoranda/{memorandum.id}").status_code == 200


@pytest.mark.parametrize("text", MALFORMED)
def test_a_malformed_variable_in_a_new_clause_is_refused(app, world, text):
    memorandum = world.memorandum()
    client = signed_in(app, world.ua_manager)
    data = {"base_version": "1", "after": "purpose",
            **{f"title_{lang}": "Нове" for lang in ("uk", "kk", "en")},
            **{f"text_{lang}": "Текст" for lang in ("uk", "kk", "en")}}
    data.update({f"title_{lang}": f"Нове {text}" for lang in ("uk", "kk", "en")})
    response = post_form(client, f"/memoranda/{memorandum.id}/clauses/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    error = re.search(r'id="title_uk-error">([^<]*)<', html)
    assert error and "in the title (kk) is not a variable" in error.group(1)
    assert html.count(f'value="Нове {text}"') == 3
    assert version_count(memorandum) == 1


@pytest.mark.parametrize("text", MALFORMED)
def test_a_malformed_variable_in_the_template_is_refused(app, world, text):
    client = signed_in(app, world.officer, world.officer_secret)
    assert client.get("/embassy/memorandum-template/edit").status_code == 200
    current = services.current_template()
    data = {"base_number": str(current.number), "note": "braces"}
    for clause in current.content["clauses"]:
        for lang in ("uk", "kk", "en"):
            data[f"{clause['key']}__title__{lang}"] = clause["title"][lang]
            data[f"{clause['key']}__text__{lang}"] = clause["text"][lang]
    data.update({f"costs__text__{lang}": f"Витрати несе {text}." for lang in ("uk", "kk", "en")})
    response = post_form(client, "/embassy/memorandum-template/edit", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    error = re.search(r'<textarea[^>]*name="costs__text__uk"[^>]*>\s*([^<]*)</textarea>\s*'
                      r'<p class="field__error">([^<]*)<', html)
    assert error, "the message stands under the clause's text"
    assert error.group(1).strip() == f"Витрати несе {text}."
    assert "costs: “{{{ ua.name }}” in the text (uk) is not a variable" in error.group(2)
    assert db.session.scalar(select(func.count(MemorandumTemplate.id))) == 1
    # a memorandum made afterwards renders
    memorandum = world.memorandum()
    assert client.get(f"/memoranda/{memorandum.id}").status_code == 200


def test_particulars_and_comments_with_braces_are_values_not_templates(app, world):
    memorandum = world.memorandum()
    client = signed_in(app, world.ua_manager)
    particulars = dict(services.latest(memorandum).variables["particulars"])
    particulars["place"] = {"uk": "{{{ ua.name }}", "kk": "{% for x in ua %}", "en": "{# x"}
    services.save_particulars(world.ua_manager, memorandum, 1, particulars)
    services.add_comment(world.ua_manager, memorandum, "purpose", "{{{ ua.name }} {% x", 2)
    db.session.commit()
    page = client.get(f"/memoranda/{memorandum.id}?language=uk")
    assert page.status_code == 200
    assert "{{{ ua.name }}" in page.get_data(as_text=True)
    assert client.get(f"/memoranda/{memorandum.id}/pdf?languages=uk-kk-en").status_code == 200


# --- a version stored before the fix still shows -------------------------------------------------

@pytest.mark.parametrize("text", MALFORMED)
def test_a_stored_version_that_cannot_render_is_shown_as_typed_with_a_notice(app, world, text):
    memorandum = world.memorandum()
    store_bad_version(world, memorandum, text)
    client = signed_in(app, world.kz_manager)
    page = client.get(f"/memoranda/{memorandum.id}?language=uk")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Цей пункт не вдалося заповнити" in html  # the notice in the language shown
    assert f"Сторони {text} домовились." in html
    english = client.get(f"/memoranda/{memorandum.id}?language=en").get_data(as_text=True)
    assert f"Purpose of {text}" in english
    assert client.get(f"/memoranda/{memorandum.id}/versions").status_code == 200
    assert client.get(f"/memoranda/{memorandum.id}/diff?old=1&new=2").status_code == 200
    download = client.get(f"/memoranda/{memorandum.id}/pdf?languages=uk-en")
    assert download.status_code == 200
    printed = pdf_text(download.data)
    assert "Сторони" in printed and "ua.name" in printed


def test_an_agreed_version_that_cannot_render_prints_verifies_and_can_be_amended(app, world):
    memorandum = world.memorandum()
    store_bad_version(world, memorandum, "{{{ ua.name }}")
    with force_locale("en"):
        approvals.submit_for_review(world.ua_manager, memorandum)
        for actor in (world.ua_manager, world.kz_manager, world.officer):
            approvals.approve(actor, memorandum, 2)
    db.session.commit()
    assert memorandum.agreed_number == 2
    client = signed_in(app, world.officer, world.officer_secret)
    assert client.get(f"/memoranda/{memorandum.id}").status_code == 200
    download = client.get(f"/memoranda/{memorandum.id}/pdf?languages=uk-kk-en")
    assert download.status_code == 200 and "ua.name" in pdf_text(download.data)
    assert app.test_client().get(f"/verify/{memorandum.verification_code}").status_code == 200
    # the amendment starts from the stored text and shows it; the broken clause is named when
    # another one is saved, and correcting it works
    response = post_form(client, f"/memoranda/{memorandum.id}/supersede", {})
    assert response.status_code == 302
    amendment = services.memoranda_of(world.partnership)[0]
    assert amendment.id != memorandum.id
    assert client.get(f"/memoranda/{amendment.id}").status_code == 200
    refused = post_form(client, f"/memoranda/{amendment.id}/clauses/costs/edit",
                        clause_data(amendment, "costs", "Each Party bears its own costs."))
    assert refused.status_code == 200
    assert "purpose: “{{{ ua.name }}” in the text (uk) is not a variable" in \
        refused.get_data(as_text=True)
    fixed = clause_data(amendment, "purpose", "The Parties agree.")
    fixed["title_en"] = "Purpose"
    assert post_form(client, f"/memoranda/{amendment.id}/clauses/purpose/edit",
                     fixed).status_code == 302
    assert NOTICE not in client.get(f"/memoranda/{amendment.id}?language=uk").get_data(
        as_text=True)


def test_a_stored_template_that_cannot_render_still_makes_a_readable_memorandum(app, world):
    shipped = services.current_template()
    content = {**shipped.content, "clauses": [dict(c) for c in shipped.content["clauses"]]}
    content["clauses"][0] = {**content["clauses"][0],
                             "text": dict.fromkeys(("uk", "kk", "en"), "{{{ ua.name }}")}
    db.session.add(MemorandumTemplate(number=shipped.number + 1, content=content,
                                      note="saved by an older build", created_at=utcnow()))
    db.session.commit()
    memorandum = world.memorandum()
    client = signed_in(app, world.ua_member)
    html = client.get(f"/memoranda/{memorandum.id}?language=en").get_data(as_text=True)
    assert NOTICE in html and "{{{ ua.name }}" in html


def test_a_clause_title_with_an_apostrophe_reads_right_in_the_comment_form(app, world):
    memorandum = world.memorandum()
    client = signed_in(app, world.ua_manager)
    data = clause_data(memorandum, "costs", "Each Party bears its own costs & fees.")
    data.update({f"title_{lang}": "Parties' costs & fees" for lang in ("uk", "kk", "en")})
    assert post_form(client, f"/memoranda/{memorandum.id}/clauses/costs/edit",
                     data).status_code == 302
    html = client.get(f"/memoranda/{memorandum.id}?language=en").get_data(as_text=True)
    assert "Parties&#39; costs &amp; fees</h2>" in html
    assert re.search(r"<option value=\"costs\">\d+\. Parties&#39; costs &amp; fees</option>",
                     html), "escaped once, not twice"
