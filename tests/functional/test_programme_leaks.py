"""Nothing that names a child reaches anyone but the coordinator: every route x every other
role (HTML, CSV and JSON, GET and POST), and the logs, audit details, timeline details and
e-mails produced while the coordinator works through the flows."""

import logging
import re

import pytest
from sqlalchemy import select

from partnership.core.models import AuditEvent, OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.programme.models import CaseEvent, CaseState, ChildCase

from .. import factories_programme as fp
from ..conftest import csrf_token, log_in, post_form
from ..factories import DEFAULT_PASSWORD, UserFactory
from .test_access_matrix import ROUTES, make_world

SECRETS = (fp.SURNAME, fp.DOCUMENT, "12 Example street")
OTHER_ROLES = ["anonymous", "org_member", "org_manager", "embassy_officer", "admin",
               "centre_staff", "own_centre_staff", "other_centre_staff"]

# Plausible form data for every programme POST route, so the leak check also sees what a
# refused or accepted submission answers.
POST_DATA = {
    "text": "A note", "note": "A note", "state": "registered", "group_id": "1",
    "password": DEFAULT_PASSWORD, "relationship_to_child": "mother", "participation": "y",
    "given_on": "2026-01-05", "organisation_id": "2", "name": "G", "starts_on": "2026-01-01",
    "ends_on": "2026-02-01", "capacity": "3", "language": "uk", "focus": "both",
    "birth_year": "2015", "sex": "female", "region": "ua_kharkiv",
    "circumstances": "parent_deceased", "representative_type": "relative", "languages": "uk",
    "first_name": "X", "surname": "Y",
}


def _sign_in(client, login_as, role: str):
    if role == "anonymous":
        return
    if role in ("own_centre_staff", "other_centre_staff"):
        organisation_id = 2 if role == "own_centre_staff" else fp.centre_with_group(
            fp.coordinator(), name="Elsewhere")[0].organisation_id
        user = UserFactory(role=Role.CENTRE_STAFF, organisation_id=organisation_id)
        assert log_in(client, user).status_code == 302
        return
    login_as(role)


def _bodies(response) -> str:
    body = response.get_data().decode("utf-8", errors="replace")
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    response.close()
    return body + headers


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret.casefold() in text.casefold()]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_route_shows_a_childs_name_to_anyone_but_the_coordinator(client, login_as, role):
    centre_staff = role in ("own_centre_staff", "other_centre_staff")
    if not centre_staff:
        _sign_in(client, login_as, role)
    if role == "anonymous":
        UserFactory()
    make_world()
    if centre_staff:  # their organisation exists once the world does
        _sign_in(client, login_as, role)
    failures = []
    paths = {path for path, _expected in ROUTES.values()}
    for path in sorted(paths):
        for accept in ("text/html", "application/json", "text/csv"):
            response = client.get(path, headers={"Accept": accept}, follow_redirects=True)
            found = _leaks(_bodies(response))
            if found:
                failures.append(f"GET {path} ({accept}): {found}")
    token = csrf_token(client)
    for endpoint, (path, _expected) in ROUTES.items():
        if not endpoint.startswith("programme."):
            continue
        response = client.post(path, data={"csrf_token": token, **POST_DATA},
                               follow_redirects=True)
        found = _leaks(_bodies(response))
        if found:
            failures.append(f"POST {path}: {found}")
    assert not failures, "\n".join(failures)
    if role == "own_centre_staff":  # the check above looked at a real child page
        page = client.get("/programme/my-centre/children/1").get_data(as_text=True)
        assert fp.FIRST_NAME in page


def test_logs_audit_timeline_and_emails_never_name_a_child(client, login_as, caplog):
    caplog.set_level(logging.DEBUG)
    user = login_as(Role.PROGRAMME_COORDINATOR)
    centre, group = fp.centre_with_group(user)
    staff = UserFactory(role=Role.CENTRE_STAFF, organisation_id=centre.organisation_id)
    colleague = UserFactory(role=Role.PROGRAMME_COORDINATOR)  # told of the withdrawal
    response = post_form(client, "/programme/cases/new", {
        **POST_DATA, "birth_year": str(fp.case_data().birth_year), "first_name": fp.FIRST_NAME,
        "surname": fp.SURNAME, "documents": f"Passport {fp.DOCUMENT}",
        "address": "12 Example street", "accompanying_adult_given_name": "Olena",
        "accompanying_adult_surname": fp.SURNAME})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case = db.session.scalars(select(ChildCase)).one()
    base = f"/programme/cases/{case.id}"
    for state in ("registered", "assessment"):
        post_form(client, f"{base}/state", {"state": state})
    post_form(client, f"{base}/consents/new", {
        "relationship_to_child": "mother", "participation": "y", "travel": "y",
        "sharing_with_centre": "y", "given_on": "2026-01-05"})
    post_form(client, f"{base}/placement", {"group_id": str(group.id)})
    post_form(client, f"{base}/identity", {})
    client.get(f"{base}/edit")
    post_form(client, f"{base}/edit/identity", {"open": "1"})
    post_form(client, "/programme/export/cases", {"password": "wrong password here"})
    post_form(client, "/programme/export/cases", {"password": DEFAULT_PASSWORD})
    staff_client = client.application.test_client()
    log_in(staff_client, staff)
    staff_client.get(f"/programme/my-centre/children/{case.id}")
    post_form(staff_client, f"/programme/my-centre/children/{case.id}", {"text": "Fine"})
    consent_id = db.session.scalar(select(ChildCase).where(ChildCase.id == case.id)) \
        .consents[0].id
    post_form(client, f"/programme/consents/{consent_id}/withdraw", {})
    db.session.expire_all()
    assert db.session.get(ChildCase, case.id).state == CaseState.CONSENT_WITHDRAWN

    places = {"logs": caplog.text}
    places["audit"] = " ".join(repr(e.details) for e in db.session.scalars(select(AuditEvent)))
    places["timeline"] = " ".join(repr(e.details) + e.note
                                  for e in db.session.scalars(select(CaseEvent)))
    mails = db.session.scalars(select(OutboxEmail)).all()
    assert {m.recipient for m in mails} >= {colleague.email, staff.email}
    places["e-mail"] = " ".join(m.subject + m.body for m in mails)
    for where, text in places.items():
        for secret in (*SECRETS, fp.FIRST_NAME):
            assert secret.casefold() not in text.casefold(), f"{secret} in the {where}"
    assert re.search(r"PF-[2-9A-Z]{4}-[2-9A-Z]{4}", places["e-mail"])
    actions = {e.action for e in db.session.scalars(select(AuditEvent))}
    assert {"programme.identity_read", "programme.case_export", "programme.centre_card_read",
            "programme.consent_withdrawn"} <= actions
