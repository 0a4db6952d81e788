"""A registration the embassy returns for changes: the reason is required, the managers are
told (in their language) and see it on "My work" and on their organisation's page, a manager
sends it for verification again (pending, the officers told, back on their "My work"); only
officers return, only the organisation's managers resubmit; every step audited; while
returned the organisation is neither public nor matched."""

import pyotp
import pytest
from sqlalchemy import select

from partnership.core.models import AuditEvent, OutboxEmail
from partnership.core.roles import Role
from partnership.core.services import ServiceError
from partnership.extensions import db
from partnership.notifications.models import Notification
from partnership.organisations import access, verification
from partnership.organisations.models import Status

from ..conftest import log_in, post_form
from ..factories import OrganisationFactory, UserFactory

REASON = "Add the number of your medical licence."


def _officer_client(app):
    secret = pyotp.random_base32()
    officer = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret, locale="en")
    client = app.test_client()
    assert log_in(client, officer, secret=secret).status_code == 302
    return officer, client


def _client_of(app, user):
    client = app.test_client()
    assert log_in(client, user).status_code == 302
    return client


def test_the_whole_loop(app):
    organisation = OrganisationFactory(status=Status.PENDING)
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=organisation,
                          email="manager@kz.example", locale="kk")
    officer, officer_client = _officer_client(app)
    path = f"/embassy/organisations/{organisation.id}"
    assert "Return for changes" in officer_client.get(path).get_data(as_text=True)

    # The reason is required.
    response = post_form(officer_client, f"{path}/decide/return", {"reason": "  "})
    assert response.status_code == 422
    assert "Give a reason" in response.get_data(as_text=True)
    db.session.refresh(organisation)
    assert organisation.status == Status.PENDING

    response = post_form(officer_client, f"{path}/decide/return", {"reason": REASON})
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.status == Status.CHANGES_REQUESTED
    assert organisation.status_reason == REASON
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.return"))
    assert audit.actor_id == officer.id
    assert audit.details["after"] == "changes_requested" and audit.details["reason"] == REASON

    # The manager is told, in Kazakh, with the reason and one link to the profile's edit page.
    told = db.session.scalars(select(Notification).where(
        Notification.kind == "organisation_return")).all()
    assert [n.user_id for n in told] == [manager.id]
    assert told[0].endpoint == "organisations.edit"
    mail = db.session.scalar(select(OutboxEmail).where(
        OutboxEmail.recipient == "manager@kz.example"))
    assert REASON in mail.body
    assert mail.subject != "Your profile was returned for changes"  # Kazakh, not English

    # Not in the embassy's "to verify" entry while returned.
    page = officer_client.get("/my-work").get_data(as_text=True)
    assert 'id="work-registrations"' not in page

    # The manager's "My work" and the organisation's page show it, with the reason.
    manager_client = _client_of(app, manager)
    page = manager_client.get("/my-work").get_data(as_text=True)
    assert 'id="work-profile_returned"' in page
    assert REASON in page
    assert f'href="/organisations/{organisation.id}/edit"' in page
    page = manager_client.get(f"/organisations/{organisation.id}/manage").get_data(as_text=True)
    assert REASON in page
    assert f"/organisations/{organisation.id}/resubmit" in page

    # The manager saves the profile (unchanged here) and sends it for verification again.
    response = post_form(manager_client, f"/organisations/{organisation.id}/resubmit", {})
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.status == Status.PENDING
    assert organisation.status_reason == ""
    audit = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "organisation.resubmit"))
    assert audit.actor_id == manager.id
    told = db.session.scalars(select(Notification).where(
        Notification.kind == "organisation_resubmitted")).all()
    assert [n.user_id for n in told] == [officer.id]
    assert told[0].link_args == {"organisation_id": organisation.id}

    # Back on the officer's "My work"; gone from the manager's.
    assert 'id="work-registrations"' in officer_client.get("/my-work").get_data(as_text=True)
    page = manager_client.get("/my-work").get_data(as_text=True)
    assert 'id="work-profile_returned"' not in page


def test_only_officers_return(app, client, login_as):
    organisation = OrganisationFactory(status=Status.PENDING)
    login_as(Role.ORG_MANAGER, organisation=organisation)
    response = post_form(client, f"/embassy/organisations/{organisation.id}/decide/return",
                         {"reason": REASON})
    assert response.status_code in (403, 404)
    db.session.refresh(organisation)
    assert organisation.status == Status.PENDING


def test_only_the_organisations_managers_resubmit(app):
    organisation = OrganisationFactory(status=Status.CHANGES_REQUESTED, status_reason=REASON)
    other = OrganisationFactory(status=Status.VERIFIED)
    member = UserFactory(role=Role.ORG_MEMBER, organisation=organisation)
    stranger = UserFactory(role=Role.ORG_MANAGER, organisation=other)
    for user in (member, stranger):
        client = _client_of(app, user)
        response = post_form(client, f"/organisations/{organisation.id}/resubmit", {})
        assert response.status_code in (403, 404)
        assert f"/organisations/{organisation.id}/resubmit" not in client.get(
            f"/organisations/{organisation.id}/manage").get_data(as_text=True)
    _officer, officer_client = _officer_client(app)
    response = post_form(officer_client, f"/organisations/{organisation.id}/resubmit", {})
    assert response.status_code in (403, 404)
    db.session.refresh(organisation)
    assert organisation.status == Status.CHANGES_REQUESTED
    assert not verification.can_resubmit(member, organisation)
    assert not verification.can_resubmit(stranger, organisation)


def test_refused_on_an_organisation_not_pending_or_not_returned(app):
    officer = UserFactory(role=Role.EMBASSY_OFFICER)
    for state in (Status.VERIFIED, Status.REJECTED, Status.SUSPENDED, Status.CHANGES_REQUESTED):
        organisation = OrganisationFactory(status=state)
        assert "return" not in verification.allowed_actions(organisation)
        with pytest.raises(ServiceError):
            verification.decide(officer, organisation, "return", REASON)
        assert organisation.status == state
    organisation = OrganisationFactory(status=Status.PENDING)
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=organisation)
    assert verification.resubmit_refusal(manager, organisation)
    client = _client_of(app, manager)
    response = post_form(client, f"/organisations/{organisation.id}/resubmit", {},
                         follow_redirects=True)
    assert "has not returned this organisation" in response.get_data(as_text=True)
    db.session.refresh(organisation)
    assert organisation.status == Status.PENDING
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "organisation.resubmit")) is None


def test_while_returned_it_is_treated_like_pending(app, client):
    organisation = OrganisationFactory(status=Status.CHANGES_REQUESTED, public_listing=True)
    assert not access.is_public(organisation)
    assert client.get(f"/organisations/{organisation.id}").status_code == 404
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=organisation)
    assert access.can_manage(manager, organisation)  # may still edit the profile
