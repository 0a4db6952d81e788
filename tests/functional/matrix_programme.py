"""The programme area's rows of the access matrix (see test_access_matrix.py).

ROUTES: endpoint -> (GET path, {role: status}); make_world() adds the objects the paths name,
after the matrix's own world (organisations 1 and 2, match 1, partnership 1) exists.

Case pages answer 404 to every role but the coordinator; the matrix's centre staff member
belongs to no centre, so the centre's pages are 404 for them too (a centre's own staff are
checked in test_programme_centre.py).
"""

from partnership.core.roles import Role

ANON = "anonymous"
SIGNED_IN = [role.value for role in Role]
COORDINATOR = "programme_coordinator"


def coordinator_only(others: int) -> dict:
    return {ANON: 302, **{r: (200 if r == COORDINATOR else others) for r in SIGNED_IN}}


def post_only() -> dict:
    return {ANON: 405, **{r: 405 for r in SIGNED_IN}}


CASE = coordinator_only(404)   # a case's pages: nobody else learns that it exists
AREA = coordinator_only(403)   # the coordinator's lists and forms

ROUTES: dict = {
    "programme.cases_list": ("/programme/cases", AREA),
    "programme.new_case": ("/programme/cases/new", AREA),
    "programme.case_page": ("/programme/cases/1", CASE),
    "programme.reveal_identity": ("/programme/cases/1/identity", post_only()),
    "programme.edit_case": ("/programme/cases/1/edit", CASE),
    "programme.edit_identity": ("/programme/cases/1/edit/identity", post_only()),
    "programme.adult_reviews": ("/programme/accompanying-adults", AREA),
    "programme.review_adult": ("/programme/cases/1/accompanying-adult", post_only()),
    "programme.change_state": ("/programme/cases/1/state", post_only()),
    "programme.new_consent": ("/programme/cases/1/consents/new", CASE),
    "programme.withdraw_consent": ("/programme/consents/1/withdraw", post_only()),
    "programme.consent_document": ("/programme/consents/1/document", CASE),
    "programme.place": ("/programme/cases/1/placement", CASE),
    "programme.follow_ups": ("/programme/follow-ups", AREA),
    "programme.complete_follow_up": ("/programme/follow-ups/1/done", post_only()),
    "programme.centres_page": ("/programme/centres", AREA),
    "programme.new_group": ("/programme/centres/1/groups/new", AREA),
    "programme.edit_group": ("/programme/groups/1/edit", AREA),
    "programme.report": ("/programme/report", {
        ANON: 302, **{r: (200 if r in (COORDINATOR, "embassy_officer") else 403)
                      for r in SIGNED_IN}}),
    "programme.report_csv": ("/programme/report.csv", {
        ANON: 302, **{r: (200 if r in (COORDINATOR, "embassy_officer") else 403)
                      for r in SIGNED_IN}}),
    "programme.export_cases": ("/programme/export/cases", AREA),
    # Centre staff without a centre: 404; every other role is refused by the view's guard.
    "programme.my_centre": ("/programme/my-centre", {
        ANON: 302, **{r: (404 if r == "centre_staff" else 403) for r in SIGNED_IN}}),
    "programme.child": ("/programme/my-centre/children/1",
                        {ANON: 302, **{r: 404 for r in SIGNED_IN}}),
}


def make_world() -> None:
    """Centre 1 (organisation 2, Kazakh) with group 1; case 1 placed there with consent 1 (a
    signed PNG); case 2 completed, with follow-up 1."""
    from partnership.extensions import db
    from partnership.organisations.models import Organisation
    from partnership.programme.models import CaseState

    from .. import factories_programme as fp

    actor = fp.coordinator()
    _centre, group = fp.centre_with_group(actor, organisation=db.session.get(Organisation, 2))
    fp.placed_case(actor, group, document=fp.PNG)
    second = fp.placed_case(actor, group)
    fp.walk(actor, second, CaseState.TRAVEL_READY, CaseState.IN_PROGRAMME, CaseState.COMPLETED)
