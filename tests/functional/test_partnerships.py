"""Partnerships: the status table, the page, objectives and history."""

import pytest

from partnership.core.access import AccessDenied, NotVisible
from partnership.core.roles import Role
from partnership.core.services import ServiceError
from partnership.extensions import db
from partnership.organisations.models import Country
from partnership.partnerships import services, workflow
from partnership.partnerships.models import Partnership, PartnershipStatus

from ..conftest import log_in, post_form
from ..factories import OrganisationFactory, UserFactory


@pytest.fixture
def partnership(app):
    ua, kz = OrganisationFactory(), OrganisationFactory(country=Country.KZ)
    found = Partnership(reference="UA-KZ-2026-0001", ukrainian_organisation_id=ua.id,
                        kazakh_organisation_id=kz.id)
    db.session.add(found)
    db.session.commit()
    return found


@pytest.mark.parametrize("state", list(PartnershipStatus))
@pytest.mark.parametrize("target", list(PartnershipStatus))
def test_status_table(app, partnership, state, target):
    officer = UserFactory(role=Role.EMBASSY_OFFICER)
    partnership.status = state
    if target in workflow.TRANSITIONS[state]:
        services.change_status(officer, partnership, target, "note")
        assert partnership.status == target
        assert partnership.events[-1].from_status == state
    else:
        with pytest.raises(ServiceError):
            services.change_status(officer, partnership, target, "")
        assert partnership.status == state


def test_ended_partnerships_stay_ended():
    assert workflow.TRANSITIONS[PartnershipStatus.TERMINATED] == ()
    assert workflow.TRANSITIONS[PartnershipStatus.COMPLETED] == ()


def test_only_the_embassy_changes_the_status(app, partnership):
    manager = UserFactory(role=Role.ORG_MANAGER,
                          organisation_id=partnership.ukrainian_organisation_id)
    with pytest.raises(AccessDenied):
        services.change_status(manager, partnership, "on_hold", "")


def test_both_managers_and_the_embassy_see_it_others_get_404(app, partnership):
    ua_member = UserFactory(role=Role.ORG_MEMBER,
                            organisation_id=partnership.ukrainian_organisation_id)
    assert services.get_partnership(ua_member, partnership.id).id == partnership.id
    stranger = UserFactory(role=Role.ORG_MANAGER, organisation=OrganisationFactory())
    with pytest.raises(NotVisible):
        services.get_partnership(stranger, partnership.id)


def test_managers_write_the_objectives_members_only_read(client, partnership):
    manager = UserFactory(role=Role.ORG_MANAGER,
                          organisation_id=partnership.kazakh_organisation_id)
    log_in(client, manager)
    response = post_form(client, f"/partnerships/{partnership.id}/objectives",
                         {"objectives": "Train 10 therapists by June."})
    assert response.status_code == 302
    db.session.refresh(partnership)
    assert partnership.objectives == "Train 10 therapists by June."
    member = UserFactory(role=Role.ORG_MEMBER,
                         organisation_id=partnership.kazakh_organisation_id)
    other = client.application.test_client()
    log_in(other, member)
    assert post_form(other, f"/partnerships/{partnership.id}/objectives",
                     {"objectives": "x"}).status_code == 404
    assert "Train 10 therapists by June." in other.get(
        f"/partnerships/{partnership.id}").get_data(as_text=True)
