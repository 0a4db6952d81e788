"""Nobody can hold someone else's address: only verified organisations invite, an invitation
that was never accepted never blocks the address's owner from registering, and people of a
rejected organisation see only the decision."""

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from partnership.auth.models import User, UserToken
from partnership.core.models import OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations import verification
from partnership.organisations.models import Item, Organisation, Status

from ..conftest import csrf_token, log_in, post_form
from ..factories import ItemFactory, OrganisationFactory, UserFactory
from .test_registration import form as registration_form

LINK = re.compile(r"http://localhost(/\S+)")
VICTIM = "olena@mykolaiv-child.example"  # the manager's address in registration_form()


def _manager_of(client, status: Status, **organisation):
    organisation = OrganisationFactory(status=status, **organisation)
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=organisation, locale="en")
    log_in(client, manager)
    return manager


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


# --- only verified organisations invite ------------------------------------------------------

@pytest.mark.parametrize("status", [Status.PENDING, Status.SUSPENDED])
def test_only_verified_organisations_invite_and_the_others_are_told_why(client, status):
    manager = _manager_of(client, status)
    path = f"/organisations/{manager.organisation_id}/colleagues/new"
    page = client.get(path)
    assert page.status_code == 200
    assert "Only verified organisations can invite colleagues" in _text(page)
    assert 'name="email"' not in _text(page)
    response = post_form(client, path, {"email": VICTIM, "full_name": "X", "role": "org_member"})
    assert response.status_code == 200
    assert "Only verified organisations can invite colleagues" in _text(response)
    assert db.session.scalar(select(User).where(User.email == VICTIM)) is None
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == 0
    manage = _text(client.get(f"/organisations/{manager.organisation_id}/manage"))
    assert "Invite a colleague" not in manage


def test_a_verified_organisations_manager_still_invites(client):
    manager = _manager_of(client, Status.VERIFIED)
    response = post_form(client, f"/organisations/{manager.organisation_id}/colleagues/new",
                         {"email": VICTIM, "full_name": "Олена", "role": "org_member"})
    assert response.status_code == 302
    assert db.session.scalar(select(User.organisation_id).where(User.email == VICTIM)) == \
        manager.organisation_id


# --- a stale invitation never blocks the owner ------------------------------------------------

@pytest.mark.parametrize("removed", [True, False])
def test_an_invitation_never_accepted_does_not_block_the_owners_registration(
        app, client, removed):
    squatter = _manager_of(client, Status.VERIFIED)
    org_id = squatter.organisation_id
    post_form(client, f"/organisations/{org_id}/colleagues/new",
              {"email": VICTIM, "full_name": "Squatted", "role": "org_member"})
    invited = db.session.scalar(select(User).where(User.email == VICTIM))
    invitation_link = LINK.search(db.session.scalar(
        select(OutboxEmail.body).where(OutboxEmail.recipient == VICTIM))).group(1)
    if removed:
        post_form(client, f"/organisations/{org_id}/colleagues/{invited.id}/remove", {})
    post_form(client, "/logout", {})
    invited_id = invited.id
    db.session.expunge_all()

    response = post_form(client, "/register", registration_form())
    assert response.status_code == 302 and response.headers["Location"] == "/register/sent"
    organisation = db.session.scalar(select(Organisation).where(
        Organisation.registry_code == "14360570"))
    assert organisation is not None and organisation.status == Status.PENDING
    manager = db.session.scalar(select(User).where(User.email == VICTIM))
    assert manager.role == Role.ORG_MANAGER and manager.organisation_id == organisation.id
    assert db.session.get(User, invited_id) is None or manager.id == invited_id
    # The invitation link stops working; the confirmation link works and the owner signs in.
    assert client.get(invitation_link).status_code == 404
    assert db.session.scalar(select(func.count(UserToken.id)).where(
        UserToken.purpose == "invitation")) == 0
    confirmation = db.session.scalar(select(OutboxEmail.body).where(
        OutboxEmail.recipient == VICTIM, OutboxEmail.subject == "Confirm your registration"))
    assert post_form(client, LINK.search(confirmation).group(1), {}).status_code == 302
    assert log_in(client, manager, "дитяча лікарня 2026").status_code == 302
    # The squatter's colleague list no longer shows the address.
    assert db.session.scalar(select(func.count(User.id)).where(
        User.organisation_id == org_id)) == 1


def test_an_account_with_a_password_still_blocks_and_is_told_by_mail(client):
    UserFactory(email=VICTIM, locale="en")
    response = post_form(client, "/register", registration_form())
    assert response.headers["Location"] == "/register/sent"
    assert db.session.scalar(select(func.count(Organisation.id))) == 0
    body = db.session.scalar(select(OutboxEmail.body).where(OutboxEmail.recipient == VICTIM))
    assert "already have an account" in body


# --- a rejected organisation's people see only the decision ----------------------------------

def _rejected_manager(app, client):
    officer = UserFactory(role=Role.EMBASSY_OFFICER, email="consul@embassy.example",
                          full_name="Іван Консул")
    organisation = OrganisationFactory(status=Status.PENDING, name_en="Squat Clinic")
    verification.decide(officer, organisation, "reject", "The registry code belongs to "
                        "another institution.")
    db.session.commit()
    item = ItemFactory(organisation=organisation)
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=organisation, locale="en")
    member = UserFactory(role=Role.ORG_MEMBER, organisation=organisation, locale="en")
    return organisation, item, manager, member


def test_a_rejected_organisations_manager_signs_in_to_the_decision(app, client):
    organisation, _item, manager, _member = _rejected_manager(app, client)
    response = log_in(client, manager)
    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True)
    text = _text(page)
    assert page.status_code == 200
    assert "not accepted" in text
    assert "The registry code belongs to another institution." in text
    assert "consul@embassy.example" in text
    assert "Squat Clinic" in text


def test_a_rejected_organisations_pages_and_actions_are_refused(app, client):
    organisation, item, manager, member = _rejected_manager(app, client)
    org = organisation.id
    pages = ["/", "/my-organisation", f"/organisations/{org}/manage",
             f"/organisations/{org}/edit", f"/organisations/{org}/colleagues/new",
             f"/organisations/{org}/items/new/need", f"/organisations/{org}/items/{item.id}/edit",
             f"/organisations/{org}/proposals", "/organisations", f"/organisations/{org}"]
    posts = {f"/organisations/{org}/edit": {"kind": "hospital", "name_uk": "Нова назва",
                                            "region": "ua_kyiv_city", "city": "Київ",
                                            "languages": ["uk"], "contact_name": "X",
                                            "contact_email": "x@x.example"},
             f"/organisations/{org}/items/{item.id}/withdraw": {},
             f"/organisations/{org}/colleagues/{member.id}/remove": {},
             f"/organisations/{org}/colleagues/new": {"email": "friend@example.org",
                                                      "full_name": "F",
                                                      "role": "org_member"}}
    for person in (manager, member):
        log_in(client, person)
        for path in pages:
            response = client.get(path)
            assert response.status_code == 302, path
            assert response.headers["Location"] == "/my-organisation/decision", path
        token = csrf_token(client, "/my-organisation/decision")  # "/" leads there too
        for path, data in posts.items():
            response = client.post(path, data={"csrf_token": token, **data})
            assert response.status_code in (302, 303), path
            assert response.headers["Location"] == "/my-organisation/decision", path
        assert client.get("/my-organisation/decision").status_code == 200
        client.post("/logout", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == "active"
    assert db.session.get(Organisation, org).name_uk != "Нова назва"
    assert db.session.get(User, member.id).organisation_id == org
    assert db.session.scalar(select(User).where(User.email == "friend@example.org")) is None


def test_the_decision_page_is_only_for_rejected_organisations(client):
    _manager_of(client, Status.VERIFIED)
    assert client.get("/my-organisation/decision").status_code == 404


def test_a_registration_never_confirmed_does_not_hold_the_address(client):
    """Someone registers a made-up organisation with the owner's address and never confirms
    (they cannot: the link goes to the owner). The owner's own registration goes through, and
    the unconfirmed one - organisation, password, link - is gone."""
    squat = registration_form(registry_code="21271003", name_uk="Вигадана лікарня",
                              password="чужий пароль 2026", confirm="чужий пароль 2026")
    assert post_form(client, "/register", squat).status_code == 302
    squat_link = LINK.search(db.session.scalar(select(OutboxEmail.body))).group(1)
    db.session.expunge_all()

    response = post_form(client, "/register", registration_form())
    assert response.status_code == 302 and response.headers["Location"] == "/register/sent"
    codes = db.session.scalars(select(Organisation.registry_code)).all()
    assert codes == ["14360570"]
    manager = db.session.scalar(select(User).where(User.email == VICTIM))
    assert client.get(squat_link).status_code == 404
    confirmation = db.session.scalars(select(OutboxEmail.body).where(
        OutboxEmail.recipient == VICTIM).order_by(OutboxEmail.id.desc())).first()
    assert post_form(client, LINK.search(confirmation).group(1), {}).status_code == 302
    assert log_in(client, manager, "чужий пароль 2026").status_code == 200
    assert log_in(client, manager, "дитяча лікарня 2026").status_code == 302


def test_the_same_registry_code_can_be_registered_again_by_the_unconfirmed_address(client):
    """Lost the confirmation e-mail? Registering again with the same address and code works."""
    assert post_form(client, "/register", registration_form()).status_code == 302
    response = post_form(client, "/register", registration_form())
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Organisation.id))) == 1
    assert db.session.scalar(select(func.count(UserToken.id))) == 1


def test_a_confirmed_manager_still_blocks(client):
    assert post_form(client, "/register", registration_form()).status_code == 302
    post_form(client, LINK.search(db.session.scalar(select(OutboxEmail.body))).group(1), {})
    response = post_form(client, "/register", registration_form(registry_code="21271003"))
    assert response.headers["Location"] == "/register/sent"
    assert db.session.scalar(select(func.count(Organisation.id))) == 1
