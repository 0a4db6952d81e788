"""Centre staff: only the children placed now in their own centre's groups, with consent to
sharing, and only the minimum; progress notes. Reports with small counts suppressed; the
coordinator's case export asks for the password again."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from partnership.core.access import AccessDenied, NotVisible
from partnership.core.models import AuditEvent
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations.models import Country, Kind
from partnership.programme import care, consents, reports
from partnership.programme.models import CaseState, ProgressNote

from .. import factories_programme as fp
from ..conftest import log_in, post_form
from ..factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory


@pytest.fixture
def world(app):
    actor = fp.coordinator()
    centre, group = fp.centre_with_group(actor)
    other_centre, other_group = fp.centre_with_group(actor, name="Other")
    mine = fp.placed_case(actor, group, fp.person(first_name="Myroslava"))
    elsewhere = fp.placed_case(actor, other_group, fp.person(first_name="Ostap"))
    staff = UserFactory(role=Role.CENTRE_STAFF, organisation_id=centre.organisation_id)
    return actor, centre, group, mine, elsewhere, staff


def test_staff_see_only_their_centres_children(world):
    actor, centre, group, mine, elsewhere, staff = world
    assert [p.case_id for p in care.my_children(staff)] == [mine.id]
    summary = care.child_summary(staff, mine.id)
    assert summary.first_name == "Myroslava" and summary.group.id == group.id
    assert summary.accompanying_adult == "Olena Z."  # the adult, without the child's surname
    with pytest.raises(NotVisible):
        care.child_summary(staff, elsewhere.id)
    assert not hasattr(summary, "surname") and not hasattr(summary, "documents")


def test_no_sharing_consent_no_view(world):
    actor, centre, group, mine, elsewhere, staff = world
    consents.withdraw_consent(actor, mine.consents[0])
    db.session.commit()
    assert care.my_children(staff) == []
    with pytest.raises(NotVisible):
        care.child_summary(staff, mine.id)


def test_ended_placement_hides_the_child(world):
    actor, centre, group, mine, elsewhere, staff = world
    fp.walk(actor, mine, CaseState.ASSESSMENT)
    with pytest.raises(NotVisible):
        care.child_summary(staff, mine.id)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.CENTRE_STAFF])
def test_other_roles_get_404_on_the_centre_pages(world, role):
    *_, mine, _elsewhere, _staff = world
    with pytest.raises(NotVisible):
        care.child_summary(UserFactory(role=role), mine.id)


def test_child_page_shows_the_minimum_and_takes_a_note(client, world):
    actor, centre, group, mine, elsewhere, staff = world
    log_in(client, staff)
    listing = client.get("/programme/my-centre").get_data(as_text=True)
    assert mine.code in listing and elsewhere.code not in listing
    page = client.get(f"/programme/my-centre/children/{mine.id}").get_data(as_text=True)
    assert "Myroslava" in page and "Olena Z." in page and fp.SURNAME not in page
    assert fp.DOCUMENT not in page and "Example street" not in page
    assert client.get(f"/programme/my-centre/children/{elsewhere.id}").status_code == 404
    empty = post_form(client, f"/programme/my-centre/children/{mine.id}", {"text": ""})
    assert empty.status_code == 200
    response = post_form(client, f"/programme/my-centre/children/{mine.id}",
                         {"text": "Slept well, joined the drawing class."})
    assert response.status_code == 302
    note = db.session.scalars(select(ProgressNote)).one()
    assert note.author_id == staff.id and note.case_id == mine.id
    assert "drawing class" in client.get(response.location).get_data(as_text=True)
    read = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "programme.centre_card_read")).first()
    assert read.details == {"code": mine.code}


def test_accompanying_adult_who_is_no_relative_is_shown_by_initial_too(client, app):
    actor = fp.coordinator()
    centre, group = fp.centre_with_group(actor)
    case = fp.placed_case(actor, group, fp.person(accompanying_adult_given_name="Iryna",
                                                  accompanying_adult_surname="Kovalenko"),
                          accompanying_adult_relation="programme volunteer")
    staff = UserFactory(role=Role.CENTRE_STAFF, organisation_id=centre.organisation_id)
    log_in(client, staff)
    page = client.get(f"/programme/my-centre/children/{case.id}").get_data(as_text=True)
    assert "Iryna K. · programme volunteer" in page
    assert fp.SURNAME not in page and "Kovalenko" not in page


# --- reports ------------------------------------------------------------------------------

@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (12, 12)])
def test_suppress(count, shown):
    assert reports.suppress(count) == shown


def test_report_suppresses_small_counts(client, login_as):
    actor = fp.coordinator()
    for _ in range(5):
        fp.new_case(actor, region="ua_kharkiv")
    fp.new_case(actor, region="ua_sumy")
    for _ in range(2):
        fp.new_case(actor, region="ua_lviv")
    for _ in range(4):
        fp.new_case(actor, region="ua_odesa")
    login_as(Role.EMBASSY_OFFICER)
    report = reports.programme_report(UserFactory(role=Role.EMBASSY_OFFICER))
    # Three small cells (1 + 2 + 4 = 7) protect each other: each could be any of 1 to 4, so the
    # 5 next to them can stay.
    assert dict(report["region"]) == {"ua_kharkiv": 5, "ua_sumy": "<5", "ua_lviv": "<5",
                                      "ua_odesa": "<5"}
    assert dict(report["state"])["referred"] == 12 and dict(report["state"])["closed"] == 0
    page = client.get("/programme/report").get_data(as_text=True)
    assert "&lt;5" in page
    csv = client.get("/programme/report.csv")
    text = csv.data.decode("utf-8-sig")
    assert csv.headers["Content-Disposition"].startswith("attachment")
    assert "<5" in text and ",12\r\n" in text
    assert not any(line.split(",")[-1] in {"1", "2", "3", "4"} for line in text.splitlines())


def test_report_is_for_the_embassy_and_the_coordinator_only(app):
    for role in (Role.ORG_MEMBER, Role.ORG_MANAGER, Role.CENTRE_STAFF, Role.ADMIN):
        with pytest.raises(AccessDenied):
            reports.programme_report(UserFactory(role=role))


# --- the coordinator's export -------------------------------------------------------------

def test_case_export_needs_the_password_again_and_is_audited(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    case = fp.new_case(user)
    wrong = post_form(client, "/programme/export/cases", {"password": "not my password!"})
    assert wrong.status_code == 200 and "password is not correct" in wrong.get_data(as_text=True)
    assert fp.SURNAME not in wrong.get_data(as_text=True)
    right = post_form(client, "/programme/export/cases", {"password": DEFAULT_PASSWORD})
    assert right.status_code == 200 and right.mimetype == "text/csv"
    assert right.headers["Content-Disposition"].startswith("attachment")
    text = right.data.decode("utf-8-sig")
    assert case.code in text and fp.SURNAME in text and fp.DOCUMENT in text
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.like("programme.case_export%")).order_by(AuditEvent.id))]
    assert actions == ["programme.case_export_refused", "programme.case_export"]
    export = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "programme.case_export"))
    assert export.details["codes"] == [case.code] and export.details["cases"] == 1


def test_export_neutralises_formula_cells(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    fp.new_case(user, needs="=HYPERLINK(\"http://evil\")")
    text = post_form(client, "/programme/export/cases",
                     {"password": DEFAULT_PASSWORD}).data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_only_verified_kazakh_organisations_are_enrolled(app):
    from partnership.core.services import ServiceError
    from partnership.organisations.models import Status
    from partnership.programme import centres

    actor = fp.coordinator()
    for organisation in (OrganisationFactory(),  # Ukrainian
                         OrganisationFactory(country=Country.KZ, status=Status.PENDING)):
        with pytest.raises(ServiceError):
            centres.enrol_centre(actor, organisation.id)
    centre = centres.enrol_centre(actor, OrganisationFactory(
        country=Country.KZ, kind=Kind.REHABILITATION_CENTRE).id)
    with pytest.raises(ServiceError):
        centres.enrol_centre(actor, centre.organisation_id)


def test_groups_keep_their_dates_in_order_and_never_shrink_below_the_placed(app):
    from datetime import timedelta

    from partnership.core.database import utcnow
    from partnership.core.services import ServiceError
    from partnership.programme import centres

    actor = fp.coordinator()
    centre, group = fp.centre_with_group(actor, capacity=2)
    fp.placed_case(actor, group)
    fp.placed_case(actor, group)
    today = utcnow().date()
    data = centres.GroupData("Spring", today, today + timedelta(days=5), 1, "uk", "both", "")
    with force_locale("en"), pytest.raises(ServiceError, match="already placed") as refused:
        centres.save_group(actor, centre, data, group)
    assert refused.value.field == "capacity"
    data.capacity, data.ends_on = 3, today - timedelta(days=1)
    with force_locale("en"), pytest.raises(ServiceError, match="end before") as refused:
        centres.save_group(actor, centre, data, group)
    assert refused.value.field == "ends_on"
    data.ends_on = today + timedelta(days=5)
    centres.save_group(actor, centre, data, group)
    assert group.capacity == 3 and group.placed_count == 2


def test_group_form_keeps_what_was_typed(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    centre, _group = fp.centre_with_group(user)
    response = post_form(client, f"/programme/centres/{centre.id}/groups/new", {
        "name": "Autumn cohort", "starts_on": "2026-10-10", "ends_on": "2026-10-01",
        "capacity": "6", "language": "uk", "focus": "physical"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "cannot end before it starts" in page
    assert 'value="Autumn cohort"' in page and 'value="6"' in page
