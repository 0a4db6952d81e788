"""Every route x every role -> the expected status, generated from the URL map.

A new route without an entry in ROUTES fails ``test_every_route_is_in_the_matrix``.
"""

import pytest

from partnership.core.roles import Role

from ..conftest import post_form
from ..factories import ItemFactory, OrganisationFactory, UserFactory
from . import (
    matrix_dashboard,
    matrix_helpdesk,
    matrix_memoranda,
    matrix_outreach,
    matrix_programme,
)

# each area's rows live in its own module
AREAS = (matrix_memoranda, matrix_programme, matrix_dashboard, matrix_outreach, matrix_helpdesk)

ROLES = ["anonymous", *[role.value for role in Role]]
ANON = "anonymous"
SIGNED_IN = [role.value for role in Role]


def everyone(status):
    return {role: status for role in ROLES}


def signed_in(status, anonymous=302):
    return {ANON: anonymous, **{role: status for role in SIGNED_IN}}


def only(allowed, status=200, others=403):
    return {ANON: 302, **{r: (status if r in allowed else others) for r in SIGNED_IN}}


# endpoint -> (GET path, {role: status for GET}, POST-only?)
# Paths with ids use ids that the fixture below creates (user 1 exists: it is the signed-in one).
ROUTES = {
    "core.home": ("/", everyone(200)),
    "work.my_work": ("/my-work", signed_in(200)),
    "core.healthz": ("/healthz", everyone(200)),
    "core.readyz": ("/readyz", everyone(200)),
    # Only Prometheus, with METRICS_TOKEN (tests/functional/test_observability.py).
    "metrics.metrics": ("/metrics", everyone(404)),
    "core.set_language": ("/language", everyone(405)),
    "auth.login": ("/login", {ANON: 200, **{r: 302 for r in SIGNED_IN}}),
    "auth.second_factor": ("/login/verify", everyone(302)),   # nothing pending: back to log-in
    "auth.enrol_at_login": ("/login/enrol", everyone(302)),
    "auth.logout": ("/logout", everyone(405)),
    "auth.request_reset": ("/password/reset", everyone(200)),
    "auth.reset_password": ("/password/reset/not-a-token", everyone(404)),
    "auth.accept_invitation": ("/invitation/not-a-token", everyone(404)),
    "auth.account": ("/account", signed_in(200)),
    "auth.change_password": ("/account/password", signed_in(200)),
    # Roles that must use two-step sign-in already have it: the enrol page is then 404.
    "auth.enrol": ("/account/two-step", {ANON: 302, "org_member": 200, "org_manager": 200,
                                         "centre_staff": 200, "embassy_officer": 404,
                                         "programme_coordinator": 404, "admin": 404}),
    "auth.new_recovery_codes": ("/account/recovery-codes", everyone(405)),
    "admin.users": ("/admin/users", only({"admin"})),
    "admin.new_user": ("/admin/users/new", only({"admin"})),
    "admin.edit_user": ("/admin/users/1", only({"admin"})),
    "admin.resend_invitation": ("/admin/users/1/invitation", everyone(405)),
    "admin.reset_second_factor": ("/admin/users/1/two-step-reset", everyone(405)),
    "admin.audit": ("/admin/audit", only({"admin"})),
    "schedule.jobs": ("/admin/scheduled-jobs", only({"admin"})),
    "schedule.run_again": ("/admin/failed-jobs/x/run-again", everyone(405)),
    "schedule.remove": ("/admin/failed-jobs/x/remove", everyone(405)),
    "static": ("/static/css/app.css", everyone(200)),
    # Organisations. Organisation 1 (verified, public) belongs to nobody signed in here.
    "organisations.register": ("/register", {ANON: 200, **{r: 302 for r in SIGNED_IN}}),
    "organisations.registered": ("/register/sent", everyone(200)),
    "organisations.confirm_registration": ("/register/confirm/not-a-token", everyone(404)),
    "organisations.directory_page": ("/organisations", everyone(200)),
    "organisations.public_profile": ("/organisations/1", everyone(200)),
    # People of organisations without one: 404; other roles are refused by the view's guard.
    "organisations.mine": ("/my-organisation", {
        ANON: 302, **{r: (404 if r in ("org_member", "org_manager") else 403)
                      for r in SIGNED_IN}}),
    # Only people of a rejected organisation read its decision (test_address_squatting.py).
    "organisations.decision": ("/my-organisation/decision", signed_in(404)),
    "organisations.manage": ("/organisations/1/manage",
                             only({"embassy_officer", "admin"}, others=404)),
    "organisations.edit": ("/organisations/1/edit", signed_in(404)),
    "organisations.invite": ("/organisations/1/colleagues/new", signed_in(404)),
    "organisations.remove_colleague": ("/organisations/1/colleagues/1/remove", everyone(405)),
    "organisations.new_item": ("/organisations/1/items/new/need", signed_in(404)),
    "organisations.edit_item": ("/organisations/1/items/1/edit", signed_in(404)),
    "organisations.renew_item": ("/organisations/1/items/1/renew", everyone(405)),
    "organisations.withdraw_item": ("/organisations/1/items/1/withdraw", everyone(405)),
    "organisations.resubmit": ("/organisations/1/resubmit", everyone(405)),
    # The embassy's verification, import and export.
    "verification.queue": ("/embassy/organisations", only({"embassy_officer", "admin"})),
    "verification.organisation": ("/embassy/organisations/1",
                                  only({"embassy_officer", "admin"})),
    "verification.decide": ("/embassy/organisations/1/decide/verify", everyone(405)),
    "verification.agreed_list": ("/embassy/organisations/1/agreed-list", everyone(405)),
    "verification.import_file": ("/embassy/import", only({"embassy_officer", "admin"})),
    "verification.import_status": ("/embassy/import/1", only({"embassy_officer", "admin"})),
    "verification.export": ("/embassy/export/organisations.csv",
                            only({"embassy_officer", "admin"})),
    # Matching and partnerships: match 1 pairs organisation 2's need with organisation 1's
    # offer; partnership 1 joins them. Nobody signed in here belongs to either.
    "matching.proposals": ("/organisations/1/proposals",
                           only({"embassy_officer", "admin"}, others=404)),
    "matching.interest": ("/matches/1/interest", everyone(405)),
    "matching.decline": ("/matches/1/decline", everyone(405)),
    "matching.curation_list": ("/embassy/matches", only({"embassy_officer", "admin"})),
    "matching.detail": ("/embassy/matches/1", only({"embassy_officer", "admin"})),
    "partnerships.vet_match": ("/embassy/matches/1/vet", everyone(405)),
    "matching.hide": ("/embassy/matches/1/hide", everyone(405)),
    "matching.propose_by_hand": ("/embassy/matches/new?need_id=2",
                                 only({"embassy_officer", "admin"})),
    "matching.gate": ("/embassy/matching/gate", everyone(405)),
    "matching.run": ("/embassy/matching/run", everyone(405)),
    "partnerships.page": ("/partnerships/1", only({"embassy_officer", "admin"}, others=404)),
    "partnerships.objectives": ("/partnerships/1/objectives", everyone(405)),
    "partnerships.status": ("/partnerships/1/status", everyone(405)),
    "partnerships.embassy_list": ("/embassy/partnerships", only({"embassy_officer", "admin"})),
    # Notifications: each user's own; notification 1 is nobody's here (404, not a leak).
    "notifications.index": ("/notifications", signed_in(200)),
    "notifications.open": ("/notifications/1/open", signed_in(404)),
    "notifications.mark_read": ("/notifications/1/read", everyone(405)),
    "notifications.mark_all_read": ("/notifications/read-all", everyone(405)),
    "notifications.preferences": ("/notifications/preferences", signed_in(200)),
}
for _area in AREAS:
    assert not set(_area.ROUTES) & set(ROUTES), f"{_area.__name__} repeats an endpoint"
    ROUTES.update(_area.ROUTES)


def make_world():
    """Organisation 1 (UA) offers item 1; organisation 2 (KZ) needs item 2; match 1 pairs
    them; partnership 1 joins them."""
    from partnership.extensions import db
    from partnership.matching.models import Match
    from partnership.organisations.models import Country, Direction, ImportJob
    from partnership.partnerships.models import Partnership

    offer = ItemFactory(organisation=OrganisationFactory())
    need = ItemFactory(organisation=OrganisationFactory(country=Country.KZ),
                       direction=Direction.NEED, urgency="high")
    db.session.add(Match(need_id=need.id, offer_id=offer.id,
                         need_organisation_id=need.organisation_id,
                         offer_organisation_id=offer.organisation_id, score=0.8,
                         need_version=need.updated_at, offer_version=offer.updated_at))
    db.session.add(Partnership(reference="UA-KZ-TEST-0001",
                               ukrainian_organisation_id=offer.organisation_id,
                               kazakh_organisation_id=need.organisation_id))
    db.session.add(ImportJob(kind="organisations", filename="orgs.csv", dry_run=True,
                             language="en", status="succeeded", rows_total=1))
    db.session.commit()
    for area in AREAS:
        area.make_world()
    db.session.commit()


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ROUTES) == set(), "add the new routes to ROUTES"
    assert set(ROUTES) - endpoints == set(), "remove routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(client, login_as, role):
    if role != ANON:
        login_as(role)
    else:
        UserFactory()  # user 1 exists for the admin paths
    make_world()
    failures = []
    for endpoint, (path, expected) in ROUTES.items():
        response = client.get(path)
        status = response.status_code
        response.close()
        if status != expected[role]:
            failures.append(f"{endpoint} {path}: {status}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


def state_changing_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            yield rule


def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, client, login_as):
    login_as(Role.ADMIN)
    checked = 0
    for rule in state_changing_rules(app):
        path = ROUTES[rule.endpoint][0]
        response = client.post(path, data={"language": "en", "email": "a@b.cd"})
        assert response.status_code == 400, f"{rule.endpoint} accepted a POST without CSRF token"
        checked += 1
    assert checked >= 10


def test_no_route_changes_state_on_get(app):
    """POST-only routes are the ones that change state; they answer GET with 405 (matrix)."""
    for rule in state_changing_rules(app):
        if "GET" in rule.methods:
            # GET shows a form; the change happens only on POST (checked per area's tests).
            continue
        assert ROUTES[rule.endpoint][1]["admin"] == 405


def test_signed_in_user_with_a_valid_token_passes_csrf(client, login_as):
    login_as(Role.ORG_MEMBER)
    assert post_form(client, "/language", {"language": "en"}).status_code == 302
