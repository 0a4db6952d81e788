""""My work": each role's entries counted on hand-made data (other organisations' items never
counted), the oldest item's time, the links, the empty state, a fixed number of queries, the
landing after sign-in, and no child's identity on the page."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import event, select

from partnership.auth import seen
from partnership.auth.models import LoginFailure, TokenPurpose, User, UserToken
from partnership.core.database import utcnow
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching.models import Match, MatchStatus
from partnership.memoranda import approvals
from partnership.memoranda.models import MemorandumComment
from partnership.organisations.models import (
    Country,
    Direction,
    ImportJob,
    ImportKind,
    ImportStatus,
    Status,
)
from partnership.partnerships.models import Partnership
from partnership.programme.models import CaseState

from ..conftest import log_in, post_form
from ..factories import ItemFactory, OrganisationFactory, UserFactory
from ..factories_memoranda import World
from ..factories_programme import (
    FIRST_NAME,
    SURNAME,
    centre_with_group,
    coordinator,
    new_case,
    placed_case,
)

ENTRY_RE = re.compile(r'<li class="work-entry" id="work-([a-z_]+)".*?</li>', re.S)


def _attribute(html: str, name: str) -> str | None:
    found = re.search(name + r'="([^"]*)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def entries(client) -> dict[str, dict]:
    """Each entry shown on "My work": its count, link and oldest (or soonest) time."""
    response = client.get("/my-work")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return {m.group(1): {"count": int(_attribute(m.group(0), "data-count")),
                         "href": _attribute(m.group(0), "href"),
                         "when": _attribute(m.group(0), "data-when")}
            for m in ENTRY_RE.finditer(html)}


def _match(need, offer, status=MatchStatus.PROPOSED, score=0.7, at=None, **fields):
    at = at or utcnow()
    match = Match(need_id=need.id, offer_id=offer.id, need_organisation_id=need.organisation_id,
                  offer_organisation_id=offer.organisation_id, score=score, status=status,
                  need_version=need.updated_at, offer_version=offer.updated_at,
                  created_at=at, updated_at=at, **fields)
    db.session.add(match)
    db.session.commit()
    return match


def _need(organisation, **fields):
    return ItemFactory(organisation=organisation, direction=Direction.NEED, **fields)


def _offer(organisation, **fields):
    return ItemFactory(organisation=organisation, direction=Direction.OFFER, **fields)


def _iso(value) -> str:
    return value.isoformat()


# --- organisation managers and members ---------------------------------------------------------

def test_a_manager_sees_interest_waiting_for_their_answer_and_not_other_organisations(
        client, login_as):
    ours = OrganisationFactory()
    kz, other_kz, other_ua = (OrganisationFactory(country=Country.KZ),
                              OrganisationFactory(country=Country.KZ), OrganisationFactory())
    old, newer = utcnow() - timedelta(days=5), utcnow() - timedelta(days=1)
    # waiting for us: they offered and are interested in our need; they need what we offer
    first = _match(_need(ours), _offer(kz), MatchStatus.INTEREST_OFFER, at=old)
    _match(_need(kz), _offer(ours), MatchStatus.INTEREST_NEED, at=newer)
    # not waiting for us: our own interest, and other organisations' pairs
    _match(_need(ours), _offer(other_kz), MatchStatus.INTEREST_NEED)
    _match(_need(other_ua), _offer(kz), MatchStatus.INTEREST_OFFER)
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    found = entries(client)["interest_waiting"]
    assert found["count"] == 2
    assert found["when"] == _iso(old)
    assert found["href"] == f"/organisations/{ours.id}/proposals#waiting"
    assert first.id  # the one that waited longest is the oldest shown


def test_one_waiting_item_links_straight_to_it(client, login_as):
    ours = OrganisationFactory()
    match = _match(_need(ours), _offer(OrganisationFactory(country=Country.KZ)),
                   MatchStatus.INTEREST_OFFER)
    login_as(Role.ORG_MEMBER.value, organisation_id=ours.id)
    found = entries(client)["interest_waiting"]
    assert found["count"] == 1
    assert found["href"] == f"/organisations/{ours.id}/proposals#match-{match.id}"
    page = client.get(found["href"].split("#")[0]).get_data(as_text=True)
    assert f'id="match-{match.id}"' in page


def test_new_proposals_count_since_the_last_visit_of_the_proposals_page(client, login_as):
    ours, kz = OrganisationFactory(), OrganisationFactory(country=Country.KZ)
    oldest = utcnow() - timedelta(hours=5)
    _match(_need(ours), _offer(kz), at=oldest)
    _match(_need(kz), _offer(ours), at=utcnow() - timedelta(hours=1))
    _match(_need(OrganisationFactory()), _offer(kz))  # another organisation's
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    found = entries(client)["new_proposals"]
    assert (found["count"], found["when"]) == (2, _iso(oldest))
    assert found["href"] == f"/organisations/{ours.id}/proposals"
    assert client.get(found["href"]).status_code == 200  # the visit is remembered
    assert "new_proposals" not in entries(client)
    later = _match(_need(ours, area="psychotherapy"), _offer(kz, area="psychotherapy"),
                   at=utcnow() + timedelta(seconds=1))
    found = entries(client)["new_proposals"]
    assert found["count"] == 1
    assert found["href"] == (f"/organisations/{ours.id}/proposals?match={later.id}"
                             f"#match-{later.id}")


def test_the_proposals_page_read_again_with_nothing_new_writes_no_visit(client, login_as):
    ours, kz = OrganisationFactory(), OrganisationFactory(country=Country.KZ)
    _match(_need(ours), _offer(kz), at=utcnow() - timedelta(hours=1))
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    user_id = db.session.scalar(select(User.id).where(User.organisation_id == ours.id))
    client.get(f"/organisations/{ours.id}/proposals")
    first = seen.seen_at(user_id, seen.PROPOSALS)
    assert first is not None
    client.get(f"/organisations/{ours.id}/proposals")
    assert seen.seen_at(user_id, seen.PROPOSALS) == first   # nothing new: no write
    _match(_need(ours, area="psychotherapy"), _offer(kz, area="psychotherapy"),
           at=first + timedelta(microseconds=1))
    client.get(f"/organisations/{ours.id}/proposals")
    assert seen.seen_at(user_id, seen.PROPOSALS) > first    # a newer proposal shown: recorded
    assert "new_proposals" not in entries(client)


def test_offers_and_needs_expiring_within_30_days(client, login_as):
    ours = OrganisationFactory()
    today = utcnow().date()
    _offer(ours, valid_until=today + timedelta(days=20))
    _need(ours, valid_until=today + timedelta(days=9))
    _offer(ours, valid_until=today + timedelta(days=31))        # later than 30 days
    _offer(ours, valid_until=today + timedelta(days=3), status="withdrawn")
    _offer(OrganisationFactory(), valid_until=today + timedelta(days=2))  # not ours
    login_as(Role.ORG_MEMBER.value, organisation_id=ours.id)
    found = entries(client)["items_expiring"]
    assert (found["count"], found["when"]) == (2, _iso(today + timedelta(days=9)))
    assert found["href"] == f"/organisations/{ours.id}/manage"
    assert client.get(found["href"]).status_code == 200


def test_memoranda_waiting_for_each_party_and_new_comments(client, login_as, app):
    world = World()
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.commit()
    log_in(client, world.ua_manager)
    found = entries(client)["memoranda_to_approve"]
    assert found["count"] == 1
    assert found["href"] == f"/memoranda/{memorandum.id}"
    approvals.approve(world.ua_manager, memorandum, 1)
    db.session.commit()
    assert "memoranda_to_approve" not in entries(client)
    other = app.test_client()
    log_in(other, world.kz_manager)
    assert entries(other)["memoranda_to_approve"]["count"] == 1
    stranger = app.test_client()
    log_in(stranger, world.stranger)
    assert "memoranda_to_approve" not in entries(stranger)
    # a comment by the Kazakh manager is new to the Ukrainian member until they open it
    at = utcnow()
    db.session.add(MemorandumComment(memorandum_id=memorandum.id, clause_key="subject",
                                     version_number=1, author_id=world.kz_manager.id,
                                     body="A remark", created_at=at))
    db.session.commit()
    member = app.test_client()
    log_in(member, world.ua_member)
    found = entries(member)["memoranda_commented"]
    assert (found["count"], found["when"]) == (1, _iso(at))
    assert found["href"] == f"/memoranda/{memorandum.id}"
    assert member.get(found["href"]).status_code == 200
    assert "memoranda_commented" not in entries(member)
    assert "memoranda_commented" not in entries(other)  # one's own comment is not news


# --- the embassy officer -------------------------------------------------------------------------

def test_the_officers_entries(client, login_as):
    oldest = utcnow() - timedelta(days=4)
    OrganisationFactory(status=Status.PENDING, created_at=oldest)
    OrganisationFactory(status=Status.PENDING, country=Country.KZ)
    OrganisationFactory(status=Status.REJECTED)
    ua, kz = OrganisationFactory(), OrganisationFactory(country=Country.KZ)
    mutual = _match(_need(ua), _offer(kz), MatchStatus.MUTUALLY_ACCEPTED,
                    at=utcnow() - timedelta(days=2))
    _match(_need(ua, area="psychotherapy"), _offer(kz, area="psychotherapy"),
           MatchStatus.INTEREST_NEED)
    quiet_since = utcnow() - timedelta(days=70)
    quiet = Partnership(reference="UA-KZ-2026-0101", ukrainian_organisation_id=ua.id,
                        kazakh_organisation_id=kz.id, created_at=quiet_since,
                        updated_at=quiet_since)
    db.session.add_all([quiet, Partnership(reference="UA-KZ-2026-0102",
                                           ukrainian_organisation_id=ua.id,
                                           kazakh_organisation_id=kz.id)])
    failed = ImportJob(kind=ImportKind.ITEMS, filename="x.csv", dry_run=False, language="en",
                       status=ImportStatus.FAILED)
    db.session.add_all([failed, ImportJob(kind=ImportKind.ITEMS, filename="y.csv",
                                          dry_run=False, language="en",
                                          status=ImportStatus.SUCCEEDED)])
    db.session.commit()
    login_as(Role.EMBASSY_OFFICER.value)
    found = entries(client)
    assert (found["registrations"]["count"], found["registrations"]["when"]) == (2, _iso(oldest))
    assert found["registrations"]["href"] == "/embassy/organisations?status=pending"
    assert found["mutual_interest"]["count"] == 1
    assert found["mutual_interest"]["href"] == f"/embassy/matches/{mutual.id}"
    assert (found["quiet_partnerships"]["count"],
            found["quiet_partnerships"]["when"]) == (1, _iso(quiet_since))
    assert found["quiet_partnerships"]["href"] == f"/partnerships/{quiet.id}"
    assert found["failed_imports"]["count"] == 1
    assert found["failed_imports"]["href"] == f"/embassy/import/{failed.id}"
    assert "memoranda_embassy" not in found
    for entry in found.values():
        assert client.get(entry["href"]).status_code == 200, entry


# --- the programme coordinator and centre staff -------------------------------------------------

def test_the_coordinators_entries_show_no_child_identity(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR.value)
    first = new_case(user)
    new_case(user)
    today = utcnow().date()
    _centre, group = centre_with_group(user, capacity=3, starts_on=today + timedelta(days=10),
                                       ends_on=today + timedelta(days=30))
    centre_with_group(user, capacity=2, starts_on=today + timedelta(days=45),
                      ends_on=today + timedelta(days=60))
    first.adult_name_to_review = True
    db.session.commit()
    found = entries(client)
    assert found["referrals"]["count"] == 2
    assert found["referrals"]["when"] == _iso(first.created_at)
    assert found["referrals"]["href"] == "/programme/cases?state=referred"
    assert (found["groups_free"]["count"], found["groups_free"]["when"]) == (
        1, _iso(group.starts_on))
    assert found["adult_names"]["count"] == 1
    page = client.get("/my-work").get_data(as_text=True)
    assert SURNAME not in page and FIRST_NAME not in page
    for entry in found.values():
        assert client.get(entry["href"]).status_code == 200, entry


def test_centre_staff_see_arriving_children_by_case_code_only(app, client):
    user = coordinator()
    centre, group = centre_with_group(user)
    case = placed_case(user, group)
    other_centre, other_group = centre_with_group(user)
    placed_case(user, other_group)  # another centre's child
    staff = UserFactory(role=Role.CENTRE_STAFF, organisation_id=centre.organisation_id)
    log_in(client, staff)
    found = entries(client)["children_arriving"]
    assert found["count"] == 1
    assert found["href"] == f"/programme/my-centre/children/{case.id}"
    page = client.get("/my-work").get_data(as_text=True)
    assert case.code in page
    assert SURNAME not in page and FIRST_NAME not in page
    assert case.state == CaseState.PLACEMENT_MATCHED


# --- the administrator ----------------------------------------------------------------------------

def test_the_administrators_entries(app, client, login_as):
    locked = UserFactory()
    first_failure = utcnow() - timedelta(minutes=5)
    db.session.add_all([LoginFailure(email=locked.email, at=first_failure)]
                       + [LoginFailure(email=locked.email) for _ in range(
                           app.config["LOGIN_LOCK_THRESHOLD"] - 1)]
                       + [LoginFailure(email="someone@else.example")])
    invited = UserFactory(password_hash=None)
    db.session.add(UserToken(token_hash="a" * 64, user_id=invited.id,
                             purpose=TokenPurpose.INVITATION,
                             expires_at=utcnow() + timedelta(days=3)))
    UserFactory(role=Role.EMBASSY_OFFICER)  # no second factor though the role needs one
    db.session.commit()
    login_as(Role.ADMIN.value)
    found = entries(client)
    assert (found["locked_accounts"]["count"], found["locked_accounts"]["when"]) == (
        1, _iso(first_failure))
    assert found["locked_accounts"]["href"] == f"/admin/users/{locked.id}"
    assert found["pending_invitations"]["count"] == 1
    assert found["pending_invitations"]["href"] == f"/admin/users/{invited.id}"
    assert found["no_second_factor"]["count"] == 1
    for entry in found.values():
        assert client.get(entry["href"]).status_code == 200, entry


# --- the page itself ------------------------------------------------------------------------

@pytest.mark.parametrize("role", list(Role), ids=str)
def test_the_empty_state(client, login_as, role):
    fields = {"organisation_id": OrganisationFactory().id} if role in (
        Role.ORG_MEMBER, Role.ORG_MANAGER, Role.CENTRE_STAFF) else {}
    login_as(role.value, **fields)
    html = client.get("/my-work").get_data(as_text=True)
    assert "Nothing waits for you" in html
    assert 'class="work-entry"' not in html


def test_sign_in_lands_on_my_work_unless_a_safe_next_was_given(app, client):
    user = UserFactory()
    response = log_in(client, user)
    assert response.headers["Location"] == "/my-work"
    response = post_form(app.test_client(), "/login", {"email": user.email, "password":
                                            "correct horse battery staple", "next": "/account"})
    assert response.headers["Location"] == "/account"


def test_my_work_is_the_first_menu_entry(client, login_as):
    login_as(Role.ORG_MEMBER.value)
    html = client.get("/account").get_data(as_text=True)
    menu = html[html.index('<nav class="site-nav"'):]
    first_link = re.search(r'<a [^>]*href="([^"]+)"', menu).group(1)
    assert first_link == "/my-work"  # the account moved to the header row, beside the name


# --- a fixed number of queries, whatever the size of the data -----------------------------------

def _grow(size: int, ours, centre_group, coordinator_user) -> None:
    """``size`` more of everything each role's entries count."""
    today = utcnow().date()
    for n in range(size):
        kz = OrganisationFactory(country=Country.KZ)
        _match(_need(ours), _offer(kz), MatchStatus.INTEREST_OFFER)
        _match(_need(kz), _offer(ours))
        _match(_need(OrganisationFactory()), _offer(kz), MatchStatus.MUTUALLY_ACCEPTED)
        _offer(ours, valid_until=today + timedelta(days=5 + n))
        OrganisationFactory(status=Status.PENDING)
        db.session.add(ImportJob(kind=ImportKind.ITEMS, filename="x.csv", dry_run=False,
                                 language="en", status=ImportStatus.FAILED))
        new_case(coordinator_user)
        placed_case(coordinator_user, centre_group)
        UserFactory(role=Role.PROGRAMME_COORDINATOR)
    db.session.commit()


def _queries(app, client) -> int:
    client.get("/my-work")  # the session's own bookkeeping settles
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/my-work").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_data(app):
    boss = coordinator(totp_secret=pyotp.random_base32())
    centre, group = centre_with_group(boss, capacity=40)
    ours = OrganisationFactory()
    users = {
        Role.ORG_MANAGER: UserFactory(role=Role.ORG_MANAGER, organisation_id=ours.id),
        Role.EMBASSY_OFFICER: UserFactory(role=Role.EMBASSY_OFFICER,
                                          totp_secret=pyotp.random_base32()),
        Role.PROGRAMME_COORDINATOR: boss,
        Role.CENTRE_STAFF: UserFactory(role=Role.CENTRE_STAFF,
                                       organisation_id=centre.organisation_id),
        Role.ADMIN: UserFactory(role=Role.ADMIN, totp_secret=pyotp.random_base32()),
    }
    clients = {}
    for role, user in users.items():
        clients[role] = app.test_client()
        log_in(clients[role], user, secret=user.totp_secret)
    _grow(1, ours, group, boss)
    small = {role: _queries(app, clients[role]) for role in users}
    _grow(12, ours, group, boss)
    large = {role: _queries(app, clients[role]) for role in users}
    assert small == large
    shown = entries(clients[Role.ORG_MANAGER])
    assert shown["interest_waiting"]["count"] == 13  # the data did grow
    assert entries(clients[Role.CENTRE_STAFF])["children_arriving"]["count"] == 13
