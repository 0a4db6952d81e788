"""Cases: encryption at rest, identity access and its audit, consent gates and withdrawal,
the workflow through the services, follow-ups and the coordinator's pages."""

import io
import itertools
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select, text

from partnership.core.access import NotVisible
from partnership.core.models import AuditEvent, OutboxEmail
from partnership.core.roles import Role
from partnership.core.services import ServiceError
from partnership.extensions import db
from partnership.programme import cases, consents, followups, identity, placements, workflow
from partnership.programme.models import CaseState, ChildIdentity, FollowUp, Group

from .. import factories_programme as fp
from ..conftest import post_form
from ..factories import UserFactory


@pytest.fixture
def coordinator(app):
    return fp.coordinator()


@pytest.fixture
def group(coordinator):
    return fp.centre_with_group(coordinator, capacity=3)[1]


def test_identity_is_encrypted_at_rest(app, coordinator):
    case = fp.new_case(coordinator)
    raw = db.session.execute(text("SELECT ciphertext, key_id FROM child_identity")).one()
    assert fp.SURNAME.encode() not in bytes(raw.ciphertext)
    assert fp.DOCUMENT.encode() not in bytes(raw.ciphertext)
    assert len(raw.key_id) == 12
    row = db.session.execute(text("SELECT * FROM child_case")).one()
    assert fp.SURNAME not in repr(row) and fp.FIRST_NAME not in repr(row)
    assert case.code.startswith("PF-") and len(case.code) == 12


def test_case_codes_are_random_not_derived_from_the_name(app, coordinator):
    codes = {fp.new_case(coordinator).code for _ in range(5)}
    assert len(codes) == 5


def test_only_the_coordinator_reads_identity_and_each_read_is_audited(app, coordinator):
    case = fp.new_case(coordinator)
    for role in Role:
        if role != Role.PROGRAMME_COORDINATOR:
            with pytest.raises(NotVisible):
                identity.read_identity(UserFactory(role=role), case)
    person = identity.read_identity(coordinator, case)
    person_again = identity.read_identity(coordinator, case, purpose="edit")
    db.session.commit()
    assert person.surname == fp.SURNAME and person_again.documents.endswith(fp.DOCUMENT)
    reads = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "programme.identity_read")).all()
    assert [r.details for r in reads] == [{"code": case.code, "purpose": "view"},
                                          {"code": case.code, "purpose": "edit"}]
    assert all(r.actor_id == coordinator.id for r in reads)


def test_reveal_through_the_page_is_a_post_and_audited(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    case = fp.new_case(user)
    page = client.get(f"/programme/cases/{case.id}").get_data(as_text=True)
    assert fp.SURNAME not in page and case.code in page
    shown = post_form(client, f"/programme/cases/{case.id}/identity", {})
    assert shown.status_code == 200 and fp.SURNAME in shown.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "programme.identity_read")).details["code"] == case.code


def test_production_without_a_key_refuses_identity_but_starts(make_app):
    app = make_app(ENV_NAME="production", SESSION_COOKIE_SECURE=False,
                   PUBLIC_BASE_URL="https://partnerships.example.org")
    with app.app_context():
        actor = fp.coordinator()
        with force_locale("en"), pytest.raises(ServiceError, match="no encryption key"):
            fp.new_case(actor)
        db.session.rollback()
        assert app.test_client().get("/healthz").status_code == 200


def test_keys_from_the_environment_setting(make_app):
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    app = make_app(PROGRAMME_IDENTITY_KEYS=key)
    with app.app_context():
        from partnership.programme import crypto

        case = fp.new_case(fp.coordinator())
        assert case.identity.key_id == crypto.key_id(key)
        assert Fernet(key.encode()).decrypt(case.identity.ciphertext)


# --- the workflow through the services ----------------------------------------------------

@pytest.mark.parametrize(("state", "target"), list(itertools.product(CaseState, CaseState)))
def test_change_state_follows_the_table(app, coordinator, group, state, target):
    case = fp.placed_case(coordinator, group)  # placed, with every consent and a named adult
    case.state = state
    db.session.commit()
    allowed = workflow.can_move(state, target)
    assert (target in cases.next_states(case)) is allowed
    if allowed:
        cases.change_state(coordinator, case, target)
        assert case.state == target
        assert case.events[-1].to_state == target
    else:
        with pytest.raises(ServiceError):
            cases.change_state(coordinator, case, target)
        assert case.state == state


def test_placement_matched_is_entered_through_the_placement_form(app, coordinator, group):
    case = fp.to_assessment(coordinator, fp.new_case(coordinator))
    assert CaseState.PLACEMENT_MATCHED not in cases.next_states(case)
    with force_locale("en"), pytest.raises(ServiceError, match="placement form"):
        cases.change_state(coordinator, case, CaseState.PLACEMENT_MATCHED)
    placements.place_child(coordinator, case, group.id)
    cases.change_state(coordinator, case, CaseState.TRAVEL_READY)
    cases.change_state(coordinator, case, CaseState.PLACEMENT_MATCHED)  # back, keeping the place
    assert case.current_placement is not None and group.placed_count == 1


def test_no_travel_without_a_named_accompanying_adult(app, coordinator, group):
    case = fp.placed_case(coordinator, group, fp.person(accompanying_adult_given_name="",
                                                         accompanying_adult_surname=""))
    assert CaseState.TRAVEL_READY not in cases.next_states(case)
    with force_locale("en"), pytest.raises(ServiceError, match="accompanying adult"):
        cases.change_state(coordinator, case, CaseState.TRAVEL_READY)
    cases.update_case(coordinator, case, fp.case_data(), fp.person())
    cases.change_state(coordinator, case, CaseState.TRAVEL_READY)
    assert case.state == CaseState.TRAVEL_READY


# --- consent gates ------------------------------------------------------------------------

@pytest.mark.parametrize("missing", ["participation", "sharing_with_centre"])
def test_no_placement_without_consent_for_it(app, coordinator, group, missing):
    case = fp.to_assessment(coordinator, fp.new_case(coordinator), consent=False)
    with force_locale("en"), pytest.raises(ServiceError, match="consent"):
        placements.place_child(coordinator, case, group.id)
    consents.record_consent(coordinator, case, fp.consent_data(**{missing: False}))
    with force_locale("en"), pytest.raises(ServiceError, match="consent"):
        placements.place_child(coordinator, case, group.id)
    consents.record_consent(coordinator, case, fp.consent_data())
    placements.place_child(coordinator, case, group.id)
    assert case.state == CaseState.PLACEMENT_MATCHED and group.placed_count == 1


def test_a_withdrawn_consent_no_longer_counts(app, coordinator, group):
    case = fp.to_assessment(coordinator, fp.new_case(coordinator))
    consent = case.consents[0]
    consent.withdrawn_at = consent.recorded_at  # as if withdrawn; the case stays assessed
    db.session.commit()
    with force_locale("en"), pytest.raises(ServiceError, match="consent"):
        placements.place_child(coordinator, case, group.id)


def test_no_travel_without_travel_consent(app, coordinator, group):
    case = fp.to_assessment(coordinator, fp.new_case(coordinator), consent=False)
    consents.record_consent(coordinator, case, fp.consent_data(travel=False))
    placements.place_child(coordinator, case, group.id)
    with force_locale("en"), pytest.raises(ServiceError, match="travel"):
        cases.change_state(coordinator, case, CaseState.TRAVEL_READY)


@pytest.mark.parametrize("state", sorted(workflow.CONSENT_WITHDRAWAL_FROM))
def test_withdrawal_from_any_active_state(app, coordinator, group, state):
    staff = UserFactory(role=Role.CENTRE_STAFF, organisation_id=group.centre.organisation_id,
                        email="centre.staff@example.org")
    case = fp.placed_case(coordinator, group)
    if state in (CaseState.TRAVEL_READY, CaseState.IN_PROGRAMME):
        fp.walk(coordinator, case, *[CaseState.TRAVEL_READY, CaseState.IN_PROGRAMME][
            :1 + (state == CaseState.IN_PROGRAMME)])
    else:
        case.state = state
        db.session.commit()
    placed = case.current_placement is not None
    colleague = fp.coordinator(email="colleague@example.org")
    consents.withdraw_consent(coordinator, case.consents[0])
    db.session.commit()
    assert case.state == CaseState.CONSENT_WITHDRAWN
    assert case.current_placement is None
    assert db.session.get(Group, group.id).placed_count == 0
    mails = db.session.scalars(select(OutboxEmail)).all()
    recipients = {m.recipient for m in mails}
    # The other coordinators are told; the one who recorded the withdrawal knows.
    assert colleague.email in recipients and coordinator.email not in recipients
    assert (staff.email in recipients) is placed
    for mail in mails:
        assert case.code in mail.subject + mail.body
        assert fp.SURNAME not in mail.subject + mail.body
        assert fp.FIRST_NAME not in mail.subject + mail.body


def test_withdrawal_through_the_page(client, login_as, app):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    group = fp.centre_with_group(user)[1]
    case = fp.placed_case(user, group)
    response = post_form(client, f"/programme/consents/{case.consents[0].id}/withdraw", {})
    assert response.status_code == 302
    db.session.expire_all()
    assert case.state == CaseState.CONSENT_WITHDRAWN
    assert db.session.get(Group, group.id).placed_count == 0


def test_consent_document_is_checked_and_served_only_as_attachment(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    case = fp.to_assessment(user, fp.new_case(user), consent=False)
    bad = post_form(client, f"/programme/cases/{case.id}/consents/new", {
        "relationship_to_child": "grandmother", "participation": "y", "given_on": "2026-01-05",
        "document": (io.BytesIO(b"MZ\x90\x00 not a document"), "consent.pdf")},
        content_type="multipart/form-data")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "not an accepted type" in page
    assert 'value="grandmother"' in page  # what was typed stays
    good = post_form(client, f"/programme/cases/{case.id}/consents/new", {
        "relationship_to_child": "grandmother", "participation": "y", "given_on": "2026-01-05",
        "document": (io.BytesIO(fp.PDF), f"{fp.SURNAME}-consent.pdf")},
        content_type="multipart/form-data")
    assert good.status_code == 302
    consent = db.session.scalars(select(consents.Consent)).one()
    assert fp.SURNAME not in (consent.document_name or "")
    download = client.get(f"/programme/consents/{consent.id}/document")
    assert download.status_code == 200 and download.data == fp.PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert fp.SURNAME not in download.headers["Content-Disposition"]
    download.close()
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "programme.consent_document_read")).details["code"] == case.code


# --- placement, follow-ups ----------------------------------------------------------------

def test_a_full_group_refuses_and_leaving_frees_the_seat(app, coordinator):
    group = fp.centre_with_group(coordinator, capacity=1)[1]
    first = fp.placed_case(coordinator, group)
    second = fp.to_assessment(coordinator, fp.new_case(coordinator))
    with pytest.raises(placements.GroupFull):
        placements.place_child(coordinator, second, group.id)
    db.session.rollback()
    cases.change_state(coordinator, first, CaseState.ASSESSMENT)
    placements.place_child(coordinator, second, group.id)
    db.session.commit()
    assert db.session.get(Group, group.id).placed_count == 1


def test_completion_schedules_follow_ups_at_1_3_6_months(app, coordinator, group):
    case = fp.placed_case(coordinator, group)
    fp.walk(coordinator, case, CaseState.TRAVEL_READY, CaseState.IN_PROGRAMME,
            CaseState.COMPLETED)
    done = case.completed_at.date()
    due = {f.months: f.due_on for f in case.follow_ups}
    assert due == {m: followups.add_months(done, m) for m in (1, 3, 6)}
    assert group.placed_count == 0 and case.current_placement is None
    assert [f.months for f in followups.due_list(coordinator, within_days=40)] == [1]
    followups.complete_follow_up(coordinator, case.follow_ups[0].id, "Doing well")
    assert followups.due_list(coordinator, within_days=40) == []
    assert db.session.scalar(select(FollowUp).where(FollowUp.months == 1)).done_at


def test_add_months_keeps_the_end_of_month():
    from datetime import date

    assert followups.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert followups.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_referral_form_keeps_what_was_typed(client, login_as):
    login_as(Role.PROGRAMME_COORDINATOR)
    response = post_form(client, "/programme/cases/new", {
        "birth_year": "1990", "sex": "female", "region": "ua_kharkiv",
        "circumstances": "parent_missing", "representative_type": "relative",
        "languages": "uk", "first_name": "Oksana", "surname": "Typedtext"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "between" in page
    assert 'value="Typedtext"' in page and 'value="1990"' in page
    assert db.session.scalar(select(ChildIdentity.id)) is None


def test_no_region_is_chosen_for_the_coordinator(client, login_as):
    login_as(Role.PROGRAMME_COORDINATOR)
    page = client.get("/programme/cases/new").get_data(as_text=True)
    first = re.search(r'<select[^>]*name="region"[^>]*>\s*<option([^>]*)>', page).group(1)
    assert 'value=""' in first  # the first (shown) choice is "Choose a region"
    response = post_form(client, "/programme/cases/new", {
        "birth_year": "2015", "sex": "female", "region": "",
        "circumstances": "parent_missing", "representative_type": "relative",
        "languages": "uk", "first_name": "Oksana", "surname": "Typedtext"})
    assert response.status_code == 200 and 'value="Typedtext"' in response.get_data(as_text=True)
    assert db.session.scalar(select(ChildIdentity.id)) is None


def test_case_list_filters(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    group = fp.centre_with_group(user)[1]
    placed = fp.placed_case(user, group)
    waiting = fp.new_case(user)
    page = client.get("/programme/cases?state=referred").get_data(as_text=True)
    assert waiting.code in page and placed.code not in page
    page = client.get(f"/programme/cases?centre={group.centre_id}").get_data(as_text=True)
    assert placed.code in page and waiting.code not in page


def test_the_page_offers_only_legal_steps_and_refuses_others(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    case = fp.new_case(user)
    page = client.get(f"/programme/cases/{case.id}").get_data(as_text=True)
    offered = set(re.findall(r'name="state" value="(\w+)"', page))
    assert offered == {"registered", "on_hold", "withdrawn"}
    refused = post_form(client, f"/programme/cases/{case.id}/state", {"state": "in_programme"},
                        follow_redirects=True)
    assert "cannot move from this state" in refused.get_data(as_text=True)
    post_form(client, f"/programme/cases/{case.id}/state",
              {"state": "registered", "note": "Documents checked"})
    db.session.expire_all()
    assert case.state == CaseState.REGISTERED and case.events[-1].note == "Documents checked"


@pytest.mark.parametrize(("field", "value"), [("region", "kz_astana"), ("region", "nowhere"),
                                              ("languages", ["xx"]), ("languages", [])])
def test_the_service_checks_region_and_languages(app, coordinator, field, value):
    with pytest.raises(ServiceError) as refused:
        cases.refer_case(coordinator, fp.case_data(**{field: value}), fp.person())
    assert refused.value.field == field


def test_correcting_a_case_shows_and_saves_the_identity(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    case = fp.new_case(user)
    page = client.get(f"/programme/cases/{case.id}/edit").get_data(as_text=True)
    assert fp.SURNAME not in page  # opened only by the deliberate, recorded step
    assert 'value="ua_kharkiv" selected' in page or 'selected value="ua_kharkiv"' in page
    path = f"/programme/cases/{case.id}/edit/identity"
    page = post_form(client, path, {"open": "1"}).get_data(as_text=True)
    assert f'value="{fp.SURNAME}"' in page and 'value="2014-05-02"' in page
    response = post_form(client, path, {
        "birth_year": str(case.birth_year), "sex": "female", "region": "ua_sumy",
        "circumstances": "parent_missing", "representative_type": "relative",
        "languages": ["uk", "en"], "first_name": fp.FIRST_NAME, "surname": "Newsurname",
        "accompanying_adult_given_name": "", "accompanying_adult_surname": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert (case.region, case.languages, case.has_accompanying_adult) == (
        "ua_sumy", ["uk", "en"], False)
    assert identity.read_identity(user, case).surname == "Newsurname"
    purposes = [e.details["purpose"] for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "programme.identity_read"))]
    assert purposes == ["edit", "view"]


def test_follow_up_due_list_page(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    group = fp.centre_with_group(user)[1]
    case = fp.walk(user, fp.placed_case(user, group), CaseState.TRAVEL_READY,
                   CaseState.IN_PROGRAMME, CaseState.COMPLETED)
    page = client.get("/programme/follow-ups").get_data(as_text=True)
    assert case.code in page and "1 month" in page and "3 months" not in page
    first = case.follow_ups[0]
    response = post_form(client, f"/programme/follow-ups/{first.id}/done",
                         {"note": "Sleeping well, back at school"})
    assert response.status_code == 302
    assert case.code not in client.get("/programme/follow-ups").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(FollowUp, first.id).note == "Sleeping well, back at school"
