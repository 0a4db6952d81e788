"""Every memoranda route, GET and POST, on a memorandum in every state: never a 500.

A request on a memorandum in the wrong state (signing a draft, editing an agreed text,
approving a signed one ...) is answered with a message, a redirect or a 404/409, not an error
page. The routes are read from the URL map, so a new memoranda route cannot be forgotten here.
"""

import io
from datetime import date

import pytest
from flask_babel import force_locale

from partnership.extensions import db
from partnership.memoranda import approvals, services
from partnership.memoranda.models import MemorandumState
from partnership.partnerships.models import PartnershipStatus

from ..conftest import csrf_token, log_in
from ..factories_memoranda import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STATES = ("draft", "in_review", "agreed", "signed", "superseded", "terminated",
          "draft_on_hold", "agreed_on_hold")


def _clause(base):
    return {"base_version": str(base), **{f"{part}_{lang}": f"{part} {lang}"
                                           for part in ("title", "text")
                                           for lang in ("uk", "kk", "en")}}


def _particulars(base):
    from partnership.memoranda.content import LANGUAGES, PER_LANGUAGE
    from partnership.memoranda.forms import field_name

    data = {field_name(name, lang): "Астана" for name in PER_LANGUAGE for lang in LANGUAGES}
    return {"base_version": str(base), "term_years": "5", "prevailing_language": "en", **data}


# endpoint -> (path with {m} for the memorandum id, form data for a POST or None for GET only)
ROUTES = {
    "memoranda.create": ("/partnerships/{p}/memorandum", lambda base: {}),
    "memoranda.page": ("/memoranda/{m}", None),
    "memoranda.edit_clause": ("/memoranda/{m}/clauses/purpose/edit", _clause),
    "memoranda.add_clause": ("/memoranda/{m}/clauses/new?after=purpose",
                             lambda base: {**_clause(base), "after": "purpose"}),
    "memoranda.remove_clause": ("/memoranda/{m}/clauses/costs/remove",
                                lambda base: {"base_version": str(base)}),
    "memoranda.move_clause": ("/memoranda/{m}/clauses/costs/move",
                              lambda base: {"base_version": str(base), "direction": "up"}),
    "memoranda.particulars": ("/memoranda/{m}/particulars", _particulars),
    "memoranda.versions": ("/memoranda/{m}/versions", None),
    "memoranda.compare": ("/memoranda/{m}/diff?old=1&new=2&language=kk", None),
    "memoranda.comment": ("/memoranda/{m}/comments",
                          lambda base: {"clause_key": "purpose", "body": "Питання",
                                        "version_number": str(base)}),
    "memoranda.template_versions": ("/embassy/memorandum-template", None),
    "memoranda.edit_template": ("/embassy/memorandum-template/edit", lambda base: {}),
    "memoranda.submit": ("/memoranda/{m}/submit", lambda base: {}),
    "memoranda.return_to_draft": ("/memoranda/{m}/return", lambda base: {}),
    "memoranda.approve": ("/memoranda/{m}/approve", lambda base: {"base_version": str(base)}),
    "memoranda.sign": ("/memoranda/{m}/sign",
                       lambda base: {"signed_on": date.today().isoformat(), "place": "Астана",
                                     "signatories": "Андрій Коваленко, посол",
                                     "scan": (io.BytesIO(PDF), "scan.pdf")}),
    "memoranda.scan": ("/memoranda/{m}/scan", None),
    "memoranda.terminate": ("/memoranda/{m}/terminate", lambda base: {"reason": "Досить"}),
    "memoranda.supersede": ("/memoranda/{m}/supersede", lambda base: {}),
    "memoranda.end_form": ("/memoranda/{m}/end", None),
    "memoranda.download": ("/memoranda/{m}/pdf?languages=uk-kk&version=1", None),
    "memoranda.preview": ("/memoranda/{m}/preview?languages=uk-kk&version=1", None),
    "memoranda.confirm_unchanged": ("/memoranda/{m}/confirm-language",
                                    lambda base: {"base_version": str(base), "kind": "clause",
                                                  "key": "purpose", "language": "kk"}),
    "memoranda.verify": ("/verify/{code}", None),
    # the public upload of a copy (its three answers are tested in test_sealed_pdfs.py)
    "memoranda.verify_upload": ("/verify", lambda base: {
        "document": (io.BytesIO(b"%PDF-1.4 not really"), "copy.pdf")}),
}


def test_every_memoranda_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("memoranda.")}
    assert endpoints == set(ROUTES)


def _memorandum_in(world, state: str):
    """A memorandum of the world's partnership in ``state``, reached through the services."""
    memorandum = world.memorandum()
    with force_locale("en"):
        if state in ("in_review", "agreed", "signed", "superseded", "agreed_on_hold"):
            approvals.submit_for_review(world.ua_manager, memorandum)
        if state in ("agreed", "signed", "superseded", "agreed_on_hold"):
            for actor in (world.ua_manager, world.kz_manager, world.officer):
                approvals.approve(actor, memorandum, services.latest(memorandum).number)
        if state == "signed":
            approvals.sign(world.officer, memorandum, signed_on=date.today(), place="Астана",
                           signatories="x", scan=io.BytesIO(PDF))
        if state == "superseded":
            approvals.supersede(world.officer, memorandum)
        if state == "terminated":
            approvals.terminate(world.officer, memorandum, "Не потрібен")
        if state.endswith("_on_hold"):
            world.partnership.status = PartnershipStatus.ON_HOLD
    db.session.commit()
    expected = state.removesuffix("_on_hold")
    assert memorandum.state == MemorandumState(expected)
    return memorandum


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_no_memoranda_route_answers_500_in_any_state(app, endpoint, state):
    world = World()
    memorandum = _memorandum_in(world, state)
    client = app.test_client()
    assert log_in(client, world.officer, secret=world.officer_secret).status_code == 302
    path, form = ROUTES[endpoint]
    path = path.format(m=memorandum.id, p=world.partnership.id,
                       code=memorandum.verification_code or "no-such-code")
    base = services.latest(memorandum).number
    methods = next(rule.methods for rule in app.url_map.iter_rules()
                   if rule.endpoint == endpoint)
    answers = {}
    if "GET" in methods:
        answers["GET"] = client.get(path).status_code
    if "POST" in methods:
        token = csrf_token(client, "/")
        answers["POST"] = client.post(path, data={"csrf_token": token, **form(base)},
                                      content_type="multipart/form-data").status_code
        # and once more, on whatever the first POST left behind (a second approval, ...)
        answers["POST again"] = client.post(
            path, data={"csrf_token": token, **form(services.latest(memorandum).number)},
            content_type="multipart/form-data").status_code
    assert answers and all(status < 500 for status in answers.values()), answers


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_signing_a_memorandum_that_is_not_agreed_sends_the_officer_back_with_a_message(
        app, method):
    world = World()
    draft = world.memorandum()
    client = app.test_client()
    assert log_in(client, world.officer, secret=world.officer_secret).status_code == 302
    path = f"/memoranda/{draft.id}/sign"
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data={"csrf_token": csrf_token(client, "/"),
                                           **ROUTES["memoranda.sign"][1](1)},
                               content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/memoranda/{draft.id}")
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert "Only an agreed memorandum can be signed." in page
    db.session.refresh(draft)
    assert draft.state == MemorandumState.DRAFT and draft.signed_on is None
