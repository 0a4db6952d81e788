"""Who may change a partnership's status and start its memorandum: a service function each,
tested as a table, and the page shows the form exactly when its POST succeeds."""

import pyotp
import pytest
from sqlalchemy import func, select

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.memoranda import services as memoranda
from partnership.memoranda.models import Memorandum
from partnership.partnerships import services, workflow
from partnership.partnerships.models import PartnershipStatus

from ..conftest import csrf_token, log_in
from ..factories import UserFactory
from ..factories_memoranda import World

ACTORS = ("ua_manager", "kz_manager", "ua_member", "officer", "admin", "stranger")
EMBASSY = ("officer", "admin")
EDITORS = ("ua_manager", "kz_manager", *EMBASSY)
STATUSES = [str(s) for s in PartnershipStatus]
# Where a memorandum may be started (none is open in these worlds).
STARTABLE = {s for s in STATUSES if s not in ("on_hold", "completed", "terminated")}


def people(world):
    secret = pyotp.random_base32()
    admin = UserFactory(role=Role.ADMIN, totp_secret=secret)
    found = {name: getattr(world, name) for name in ACTORS if name != "admin"}
    return {**found, "admin": admin}, {"officer": world.officer_secret, "admin": secret}


def _world_in(status: str):
    world = World()
    world.partnership.status = PartnershipStatus(status)
    db.session.commit()
    return world


@pytest.mark.parametrize("status", STATUSES)
def test_who_may_change_the_status_and_start_the_memorandum(app, status):
    world = _world_in(status)
    actors, _secrets = people(world)
    for name, actor in actors.items():
        assert services.can_change_status(actor, world.partnership) == (
            name in EMBASSY and status not in ("completed", "terminated")), name
        assert memoranda.can_start(actor, world.partnership) == (
            name in EDITORS and status in STARTABLE), name


def test_an_open_memorandum_means_no_second_one(app):
    world = World()
    world.memorandum()
    assert not memoranda.can_start(world.officer, world.partnership)


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("form", ["status", "memorandum"])
def test_the_forms_are_shown_exactly_when_their_post_succeeds(app, form, status, actor_name):
    world = _world_in(status)
    actors, secrets = people(world)
    client = app.test_client()
    assert log_in(client, actors[actor_name], secret=secrets.get(actor_name)).status_code == 302
    pid = world.partnership.id
    html = client.get(f"/partnerships/{pid}").get_data(as_text=True)
    shown = f'action="/partnerships/{pid}/{form}"' in html
    targets = workflow.TRANSITIONS[PartnershipStatus(status)]
    data = ({"status": str(targets[0]) if targets else "active", "note": "x"}
            if form == "status" else {})
    client.post(f"/partnerships/{pid}/{form}", data={"csrf_token": csrf_token(client, "/"),
                                                     **data})
    db.session.expire_all()
    succeeded = (str(world.partnership.status) != status if form == "status"
                 else bool(db.session.scalar(select(func.count(Memorandum.id)))))
    assert shown == succeeded, (shown, succeeded)
