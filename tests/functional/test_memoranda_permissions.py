"""Who may do what with a memorandum: one function per step, tested as a table, and the page
shows a step's button exactly when the POST of that step succeeds."""

import io
from datetime import date

import pyotp
import pytest
from sqlalchemy import func, select

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.memoranda import approvals, services
from partnership.memoranda.models import MemorandumApproval

from ..conftest import csrf_token, log_in
from ..factories import UserFactory
from ..factories_memoranda import World
from .test_memoranda_states import PDF, STATES, _memorandum_in

ACTORS = ("ua_manager", "kz_manager", "ua_member", "officer", "admin", "stranger")
EMBASSY = ("officer", "admin")
EDITORS = ("ua_manager", "kz_manager", *EMBASSY)
OPEN = ("draft", "in_review", "agreed", "signed")  # the partnership is not on hold

# step -> the (state, actor) pairs in which it is allowed; every other pair is refused.
ALLOWED = {
    "edit": {(s, a) for s in ("draft", "in_review") for a in EDITORS},
    "submit": {("draft", a) for a in EDITORS},
    "return": {("in_review", a) for a in EDITORS},
    "approve": {("in_review", a) for a in ("ua_manager", "kz_manager", "officer")},
    "sign": {("agreed", "officer")},
    # The embassy may end a memorandum on hold too: ending is how a held one is closed.
    "terminate": {(s, a) for s in (*OPEN, "draft_on_hold", "agreed_on_hold") for a in EMBASSY},
    # Superseding makes a new draft: not while the partnership is on hold.
    "supersede": {(s, a) for s in ("agreed", "signed") for a in EMBASSY},
}
CAN = {"edit": approvals.can_edit, "submit": approvals.can_submit,
       "return": approvals.can_return, "approve": approvals.can_approve,
       "sign": approvals.can_sign, "terminate": approvals.can_terminate,
       "supersede": approvals.can_supersede}


def people(world):
    secret = pyotp.random_base32()
    admin = UserFactory(role=Role.ADMIN, totp_secret=secret)
    found = {name: getattr(world, name) for name in ACTORS if name != "admin"}
    return {**found, "admin": admin}, {"officer": world.officer_secret, "admin": secret}


@pytest.mark.parametrize("state", STATES)
def test_who_may_do_what_in_each_state(app, state):
    world = World()
    memorandum = _memorandum_in(world, state)
    actors, _secrets = people(world)
    for step, can in CAN.items():
        for name, actor in actors.items():
            assert can(actor, memorandum) == ((state, name) in ALLOWED[step]), (step, name)
    assert approvals.permissions_of(world.officer, memorandum).approve == (state == "in_review")


def test_a_side_that_approved_may_not_approve_again(app):
    world = World()
    memorandum = _memorandum_in(world, "in_review")
    approvals.approve(world.ua_manager, memorandum, services.latest(memorandum).number)
    assert not approvals.can_approve(world.ua_manager, memorandum)
    assert approvals.can_approve(world.kz_manager, memorandum)


# step -> (where its button is: the page or the end page, the text that is the button,
#          the POST path, its form data)
BUTTONS = {
    "submit": ("/memoranda/{m}", 'action="/memoranda/{m}/submit"', "/memoranda/{m}/submit",
               lambda base: {}),
    "return": ("/memoranda/{m}", 'action="/memoranda/{m}/return"', "/memoranda/{m}/return",
               lambda base: {}),
    "approve": ("/memoranda/{m}", 'action="/memoranda/{m}/approve"', "/memoranda/{m}/approve",
                lambda base: {"base_version": str(base)}),
    "sign": ("/memoranda/{m}", 'href="/memoranda/{m}/sign"', "/memoranda/{m}/sign",
             lambda base: {"signed_on": date.today().isoformat(), "place": "Астана",
                           "signatories": "Андрій Коваленко, посол",
                           "scan": (io.BytesIO(PDF), "scan.pdf")}),
    "terminate": ("/memoranda/{m}/end", 'action="/memoranda/{m}/terminate"',
                  "/memoranda/{m}/terminate", lambda base: {"reason": "Досить"}),
    "supersede": ("/memoranda/{m}/end", 'action="/memoranda/{m}/supersede"',
                  "/memoranda/{m}/supersede", lambda base: {}),
}


def _effect(memorandum):
    """What a step changes: the state, and the approvals given."""
    db.session.expire_all()
    return memorandum.state, db.session.scalar(select(func.count(MemorandumApproval.id)))


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("step", sorted(BUTTONS))
def test_the_button_is_shown_exactly_when_the_step_succeeds(app, step, state, actor_name):
    world = World()
    memorandum = _memorandum_in(world, state)
    actors, secrets = people(world)
    db.session.commit()
    client = app.test_client()
    actor = actors[actor_name]
    assert log_in(client, actor, secret=secrets.get(actor_name)).status_code == 302
    page, button, path, form = (part.format(m=memorandum.id) if isinstance(part, str) else part
                                for part in BUTTONS[step])
    response = client.get(page)
    shown = response.status_code == 200 and button in response.get_data(as_text=True)
    if step in ("terminate", "supersede"):  # the page links to the end page, or not
        main = client.get(f"/memoranda/{memorandum.id}").get_data(as_text=True)
        link = f'href="/memoranda/{memorandum.id}/end"' in main
        assert link == approvals.permissions_of(actor, memorandum).end
    before = _effect(memorandum)
    client.post(path, data={"csrf_token": csrf_token(client, "/"),
                            **form(services.latest(memorandum).number)},
                content_type="multipart/form-data")
    succeeded = _effect(memorandum) != before
    assert shown == succeeded, (shown, succeeded)
    assert shown == ((state, actor_name) in ALLOWED[step])
