"""Who may withdraw an item or remove a colleague: a service function each, tested as a table,
and the organisation's page shows the button exactly when the POST succeeds."""

import pytest
from sqlalchemy import func, select

from partnership.auth.models import User
from partnership.core.models import AuditEvent
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations import items, services
from partnership.organisations.models import Item, ItemStatus

from ..conftest import csrf_token, log_in
from ..factories import ItemFactory, OrganisationFactory, UserFactory

ACTORS = ("manager", "member", "stranger")


def world(status: str = "active"):
    organisation = OrganisationFactory()
    item = ItemFactory(organisation=organisation, status=ItemStatus(status))
    actors = {"manager": UserFactory(role=Role.ORG_MANAGER, organisation=organisation),
              "member": UserFactory(role=Role.ORG_MEMBER, organisation=organisation),
              "stranger": UserFactory(role=Role.ORG_MANAGER, organisation=OrganisationFactory())}
    db.session.commit()
    return organisation, item, actors


@pytest.mark.parametrize("status", ["active", "withdrawn"])
def test_who_may_withdraw_and_remove(app, status):
    organisation, item, actors = world(status)
    for name, actor in actors.items():
        assert items.can_withdraw(actor, item) == (name == "manager" and status == "active")
        assert services.can_remove_colleague(actor, organisation, actors["member"]) == (
            name == "manager")
        assert not services.can_remove_colleague(actor, organisation, actor)


@pytest.mark.parametrize("status", ["active", "withdrawn"])
@pytest.mark.parametrize("actor_name", ["manager", "member"])
def test_the_withdraw_button_is_shown_exactly_when_withdrawing_succeeds(app, status,
                                                                        actor_name):
    organisation, item, actors = world(status)
    client = app.test_client()
    assert log_in(client, actors[actor_name]).status_code == 302
    path = f"/organisations/{organisation.id}/items/{item.id}/withdraw"
    html = client.get(f"/organisations/{organisation.id}/manage").get_data(as_text=True)
    shown = f'action="{path}"' in html
    response = client.post(path, data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code < 500
    events = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == f"{item.direction.value}.withdrawn"))
    assert shown == bool(events), (shown, events)
    assert db.session.get(Item, item.id) is not None


@pytest.mark.parametrize("actor_name", ["manager", "member"])
@pytest.mark.parametrize("whom", ["member", "self"])
def test_the_remove_button_is_shown_exactly_when_removing_succeeds(app, actor_name, whom):
    organisation, _item, actors = world()
    actor = actors[actor_name]
    target = actor if whom == "self" else actors["member"]
    if target is actor and actor_name == "member":
        return  # covered by the member removing the member
    client = app.test_client()
    assert log_in(client, actor).status_code == 302
    path = f"/organisations/{organisation.id}/colleagues/{target.id}/remove"
    html = client.get(f"/organisations/{organisation.id}/manage").get_data(as_text=True)
    shown = f'action="{path}"' in html
    response = client.post(path, data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code < 500
    db.session.expire_all()
    removed = db.session.get(User, target.id).organisation_id is None
    assert shown == removed, (shown, removed)
