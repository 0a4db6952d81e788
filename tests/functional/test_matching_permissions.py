"""Who may do what with a proposal: one function per action, tested as a table, and the pages
show an action's button exactly when its POST succeeds."""

import pyotp
import pytest

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching import decisions
from partnership.matching.models import Match, MatchStatus
from partnership.organisations.models import Country, Direction

from ..conftest import csrf_token, log_in
from ..factories import ItemFactory, OrganisationFactory, UserFactory

ACTORS = ("need_manager", "need_member", "offer_manager", "officer", "admin", "stranger")
STATUSES = [str(s) for s in MatchStatus]
OPEN = ("proposed", "interest_need", "interest_offer", "mutually_accepted")

# action -> the (status, actor) pairs in which it is allowed; every other pair is refused.
ALLOWED = {
    "interest": {("proposed", "need_manager"), ("proposed", "offer_manager"),
                 ("interest_offer", "need_manager"), ("interest_need", "offer_manager")},
    "decline": {(s, a) for s in OPEN for a in ("need_manager", "offer_manager")},
    "vet": {("mutually_accepted", a) for a in ("officer", "admin")},
    "hide": {(s, a) for s in OPEN for a in ("officer", "admin")},
}
CAN = {"interest": decisions.can_express_interest, "decline": decisions.can_decline,
       "vet": decisions.can_vet, "hide": decisions.can_hide}


def world(status: str):
    ua = OrganisationFactory()
    kz = OrganisationFactory(country=Country.KZ)
    need = ItemFactory(organisation=ua, direction=Direction.NEED, urgency="high")
    offer = ItemFactory(organisation=kz)
    match = Match(need_id=need.id, offer_id=offer.id, need_organisation_id=ua.id,
                  offer_organisation_id=kz.id, score=0.8, status=MatchStatus(status),
                  need_version=need.updated_at, offer_version=offer.updated_at)
    db.session.add(match)
    secrets = {"officer": pyotp.random_base32(), "admin": pyotp.random_base32()}
    actors = {
        "need_manager": UserFactory(role=Role.ORG_MANAGER, organisation=ua),
        "need_member": UserFactory(role=Role.ORG_MEMBER, organisation=ua),
        "offer_manager": UserFactory(role=Role.ORG_MANAGER, organisation=kz),
        "officer": UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secrets["officer"]),
        "admin": UserFactory(role=Role.ADMIN, totp_secret=secrets["admin"]),
        "stranger": UserFactory(role=Role.ORG_MANAGER, organisation=OrganisationFactory())}
    db.session.commit()
    return match, actors, secrets


@pytest.mark.parametrize("status", STATUSES)
def test_who_may_do_what_with_a_proposal(app, status):
    match, actors, _secrets = world(status)
    for action, can in CAN.items():
        for name, actor in actors.items():
            assert can(actor, match) == ((status, name) in ALLOWED[action]), (action, name)


# action -> (the page that shows its button, the button's form action, the POST's data)
def _pages(match, actor_name):
    if actor_name in ("officer", "admin"):
        return f"/embassy/matches/{match.id}"
    organisation = (match.offer_organisation_id if actor_name == "offer_manager"
                    else match.need_organisation_id)
    return f"/organisations/{organisation}/proposals"


PATHS = {"interest": "/matches/{m}/interest", "decline": "/matches/{m}/decline",
         "vet": "/embassy/matches/{m}/vet", "hide": "/embassy/matches/{m}/hide"}


@pytest.mark.parametrize("actor_name", [a for a in ACTORS if a != "stranger"])
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", sorted(PATHS))
def test_the_button_is_shown_exactly_when_the_action_succeeds(app, action, status, actor_name):
    match, actors, secrets = world(status)
    client = app.test_client()
    assert log_in(client, actors[actor_name], secret=secrets.get(actor_name)).status_code == 302
    path = PATHS[action].format(m=match.id)
    response = client.get(_pages(match, actor_name))
    shown = response.status_code == 200 and f'action="{path}"' in response.get_data(
        as_text=True)
    client.post(path, data={"csrf_token": csrf_token(client, "/"), "reason": "Не підходить"})
    db.session.expire_all()
    succeeded = str(db.session.get(Match, match.id).status) != status
    assert shown == succeeded, (shown, succeeded)
    assert shown == ((status, actor_name) in ALLOWED[action])
