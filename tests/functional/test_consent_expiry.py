"""Consents that expire: an optional "valid until" after the date given, shown on the form and
the case page; an expired consent blocks what a missing one blocks (placement, the next steps,
the centre's view) and the case page warns; the coordinators' "My work" entry (consents
expiring within 30 days or expired, renewed ones left out) and the daily reminder, once per
consent, by case code only."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from partnership.core.database import utcnow
from partnership.core.models import AuditEvent, OutboxEmail
from partnership.core.roles import Role
from partnership.core.services import ServiceError
from partnership.extensions import db
from partnership.notifications import texts
from partnership.notifications.models import Notification
from partnership.programme import care, cases, consents, placements, work
from partnership.programme.models import CaseState, Consent
from partnership.programme.notices import tell_of_consents_expiring
from partnership.work.registry import waiting_for

from .. import factories_programme as fp
from ..conftest import post_form
from ..factories import UserFactory


@pytest.fixture
def coordinator(app):
    return fp.coordinator()


def _today():
    return utcnow().date()


def _assessed(coordinator, **consent):
    case = fp.to_assessment(coordinator, fp.new_case(coordinator), consent=False)
    recorded = consents.record_consent(coordinator, case, fp.consent_data(**consent))
    db.session.commit()
    return case, recorded


def _expire(consent, days_ago=1):
    """Make a recorded consent expired (given long ago, valid until ``days_ago`` ago)."""
    consent.given_on = _today() - timedelta(days=400)
    consent.valid_until = _today() - timedelta(days=days_ago)
    db.session.commit()


def test_valid_until_must_be_after_the_date_given(app, coordinator):
    case = fp.to_assessment(coordinator, fp.new_case(coordinator), consent=False)
    given = _today() - timedelta(days=1)
    for wrong in (given, given - timedelta(days=3)):
        with pytest.raises(ServiceError) as refused:
            consents.record_consent(coordinator, case,
                                    fp.consent_data(given_on=given, valid_until=wrong))
        assert refused.value.field == "valid_until"
    consent = consents.record_consent(
        coordinator, case, fp.consent_data(given_on=given, valid_until=given + timedelta(days=90)))
    db.session.commit()
    assert consent.valid_until == given + timedelta(days=90)
    audit = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "programme.consent_recorded"))
    assert audit.details["valid_until"] == (given + timedelta(days=90)).isoformat()


def test_the_form_takes_it_and_checks_it_with_the_other_fields(app, client, login_as):
    coordinator = login_as(Role.PROGRAMME_COORDINATOR)
    case = fp.to_assessment(coordinator, fp.new_case(coordinator), consent=False)
    path = f"/programme/cases/{case.id}/consents/new"
    page = client.get(path).get_data(as_text=True)
    assert 'name="valid_until"' in page
    given = _today() - timedelta(days=2)
    response = post_form(client, path, {"relationship_to_child": "", "participation": "y",
                                        "given_on": given.isoformat(),
                                        "valid_until": given.isoformat()})
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 422)
    assert "valid until a date after" in body  # checked in the same round as the empty field
    assert f'value="{given.isoformat()}"' in body  # what was typed is kept
    until = _today() + timedelta(days=20)
    response = post_form(client, path, {"relationship_to_child": "mother", "participation": "y",
                                        "sharing_with_centre": "y",
                                        "given_on": given.isoformat(),
                                        "valid_until": until.isoformat()})
    assert response.status_code == 302
    assert db.session.scalar(select(Consent.valid_until)) == until
    page = client.get(f"/programme/cases/{case.id}").get_data(as_text=True)
    assert "valid until" in page


def test_an_expired_consent_blocks_what_a_missing_one_blocks(app, coordinator):
    group = fp.centre_with_group(coordinator)[1]
    case, consent = _assessed(coordinator)
    _expire(consent)
    assert cases.valid_consents(case) == []
    assert not cases.facts(case).participation_consent
    with pytest.raises(ServiceError):
        placements.place_child(coordinator, case, group.id)
    assert CaseState.PLACEMENT_MATCHED not in cases.next_states(case)
    # Renewed: it counts again.
    consents.record_consent(coordinator, case, fp.consent_data())
    db.session.commit()
    placements.place_child(coordinator, case, group.id)


def test_the_centre_stops_seeing_a_child_whose_sharing_consent_expired(app, coordinator):
    centre, group = fp.centre_with_group(coordinator)
    staff = UserFactory(role=Role.CENTRE_STAFF, organisation_id=centre.organisation_id)
    case = fp.placed_case(coordinator, group)
    assert [p.case_id for p in care.my_children(staff)] == [case.id]
    assert work.children_arriving(centre.organisation_id)[0] == 1
    _expire(case.consents[0])
    assert care.my_children(staff) == []
    assert work.children_arriving(centre.organisation_id)[0] == 0


def test_the_case_page_warns_of_an_expired_consent(app, client, login_as):
    coordinator = login_as(Role.PROGRAMME_COORDINATOR)
    group = fp.centre_with_group(coordinator)[1]
    case = fp.placed_case(coordinator, group)
    _expire(case.consents[0])
    page = client.get(f"/programme/cases/{case.id}").get_data(as_text=True)
    assert 'id="consent-expired"' in page
    assert "not stopped automatically" in page
    assert "expired on" in page
    db.session.refresh(case)
    assert case.state == CaseState.PLACEMENT_MATCHED  # warned, not stopped


def test_my_work_counts_expiring_and_expired_not_renewed_nor_ended(app, coordinator):
    soon, soon_consent = _assessed(coordinator)
    soon_consent.valid_until = _today() + timedelta(days=10)
    expired, expired_consent = _assessed(coordinator)
    _expire(expired_consent)
    later, later_consent = _assessed(coordinator)
    later_consent.valid_until = _today() + timedelta(days=60)  # beyond 30 days: not counted
    renewed, renewed_consent = _assessed(coordinator)
    _expire(renewed_consent)
    consents.record_consent(coordinator, renewed, fp.consent_data())  # renewed: not counted
    _ended, ended_consent = _assessed(coordinator)
    _expire(ended_consent)
    cases.change_state(coordinator, _ended, CaseState.WITHDRAWN)  # ended: not counted
    _assessed(coordinator)  # no end date: not counted
    db.session.commit()
    count, soonest, single = work.consents_expiring()
    assert count == 2
    assert soonest == expired_consent.valid_until
    assert single == max(soon.id, expired.id)
    officer = UserFactory(role=Role.EMBASSY_OFFICER)
    db.session.commit()
    with app.test_request_context():
        shown = {s.key: s for s in waiting_for(coordinator)}
        assert shown["consents_expiring"].waiting.count == 2
        assert not any(s.key == "consents_expiring" for s in waiting_for(officer))


def test_the_daily_reminder_tells_the_coordinators_once_per_consent_by_code(app, coordinator):
    other = fp.coordinator()
    soon, soon_consent = _assessed(coordinator)
    soon_consent.valid_until = _today() + timedelta(days=10)
    expired, expired_consent = _assessed(coordinator)
    _expire(expired_consent)
    assert tell_of_consents_expiring() == 2
    db.session.commit()
    told = db.session.scalars(select(Notification)).all()
    assert {(n.user_id, n.kind, n.params["code"]) for n in told} == {
        (who.id, kind, case.code) for who in (coordinator, other)
        for kind, case in (("consent_expiring", soon), ("consent_expired", expired))}
    assert tell_of_consents_expiring() == 2  # run again the next day: nobody told twice
    db.session.commit()
    assert len(db.session.scalars(select(Notification)).all()) == len(told)


def test_no_childs_identity_in_the_new_texts(app, coordinator):
    soon, soon_consent = _assessed(coordinator)
    soon_consent.valid_until = _today() + timedelta(days=5)
    _expired_case, expired_consent = _assessed(coordinator)
    _expire(expired_consent)
    tell_of_consents_expiring()
    db.session.commit()
    mails = db.session.scalars(select(OutboxEmail)).all()
    assert mails
    for mail in mails:
        for secret in (fp.SURNAME, fp.FIRST_NAME, fp.DOCUMENT):
            assert secret not in mail.subject and secret not in mail.body
    for notification in db.session.scalars(select(Notification)):
        assert set(notification.params) == {"code", "until"}
        for language in ("uk", "kk", "en"):
            line = texts.title(notification.kind, notification.params, language) + \
                texts.body(notification.kind, notification.params, language)
            assert fp.SURNAME not in line and fp.FIRST_NAME not in line
            assert notification.params["code"] in line
