"""The embassy verifies, rejects, suspends and reinstates; every decision is audited."""

import pytest
from sqlalchemy import select

from partnership.core.access import AccessDenied
from partnership.core.models import AuditEvent, OutboxEmail
from partnership.core.roles import Role
from partnership.core.services import ServiceError
from partnership.extensions import db
from partnership.organisations import verification
from partnership.organisations.models import Status

from ..conftest import post_form
from ..factories import OrganisationFactory, UserFactory

ALL_ACTIONS = ("verify", "reject", "return", "suspend", "reinstate")


@pytest.mark.parametrize("state", list(Status))
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_transitions_table(app, state, action):
    officer = UserFactory(role=Role.EMBASSY_OFFICER)
    organisation = OrganisationFactory(status=state)
    expected = verification.TRANSITIONS.get((state, action))
    if expected is None:
        with pytest.raises(ServiceError):
            verification.decide(officer, organisation, action, "a reason")
        assert organisation.status == state
    else:
        verification.decide(officer, organisation, action, "a reason")
        assert organisation.status == expected


def test_the_table_is_what_the_embassy_expects():
    assert verification.TRANSITIONS == {
        (Status.PENDING, "verify"): Status.VERIFIED,
        (Status.PENDING, "reject"): Status.REJECTED,
        (Status.PENDING, "return"): Status.CHANGES_REQUESTED,
        (Status.REJECTED, "verify"): Status.VERIFIED,
        (Status.VERIFIED, "suspend"): Status.SUSPENDED,
        (Status.SUSPENDED, "reinstate"): Status.VERIFIED,
    }


def test_reject_needs_a_reason_sent_in_the_managers_language(client, login_as):
    officer = login_as(Role.EMBASSY_OFFICER)
    organisation = OrganisationFactory(status=Status.PENDING)
    UserFactory(role=Role.ORG_MANAGER, organisation=organisation, email="m@kz.example",
                locale="kk")
    response = post_form(client, f"/embassy/organisations/{organisation.id}/decide/reject",
                         {"reason": ""})
    assert response.status_code == 422
    assert "Give a reason" in response.get_data(as_text=True)
    response = post_form(client, f"/embassy/organisations/{organisation.id}/decide/reject",
                         {"reason": "Код БСН не збігається з реєстром."})
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.status == Status.REJECTED
    mail = db.session.scalar(select(OutboxEmail))
    assert mail.recipient == "m@kz.example"
    assert "Код БСН не збігається з реєстром." in mail.body
    assert mail.subject != "Your registration was not accepted"  # Kazakh, not English
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action ==
                                                       "organisation.reject"))
    assert event.actor_id == officer.id
    assert event.details["before"] == "pending" and event.details["after"] == "rejected"


def test_an_illegal_decision_is_refused_with_a_message_not_a_500(client, login_as):
    login_as(Role.EMBASSY_OFFICER)
    organisation = OrganisationFactory(status=Status.VERIFIED)
    response = post_form(client, f"/embassy/organisations/{organisation.id}/decide/verify",
                         {"reason": ""})
    assert response.status_code == 422
    assert "not possible" in response.get_data(as_text=True)


def test_agreed_list_toggle_is_audited(client, login_as):
    login_as(Role.EMBASSY_OFFICER)
    organisation = OrganisationFactory(on_agreed_list=False)
    post_form(client, f"/embassy/organisations/{organisation.id}/agreed-list", {"on_list": "1"})
    db.session.refresh(organisation)
    assert organisation.on_agreed_list
    assert db.session.scalar(select(AuditEvent.details).where(
        AuditEvent.action == "organisation.agreed_list")) == {"on_list": True}


def test_only_the_embassy_decides(app):
    manager = UserFactory(role=Role.ORG_MANAGER)
    organisation = OrganisationFactory(status=Status.PENDING)
    with pytest.raises(AccessDenied):
        verification.decide(manager, organisation, "verify")


def test_queue_lists_pending_first(client, login_as):
    login_as(Role.EMBASSY_OFFICER)
    OrganisationFactory(status=Status.PENDING, name_en="Waiting Clinic")
    OrganisationFactory(status=Status.VERIFIED, name_en="Done Clinic")
    html = client.get("/embassy/organisations").get_data(as_text=True)
    assert "Waiting Clinic" in html and "Done Clinic" not in html
