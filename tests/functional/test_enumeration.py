"""Registration, password reset and colleague invitations do not tell whether an address has an
account: the same answer (status, redirect, page text), the same work and the same time.

The timing tests interleave the two paths and compare medians, so that a loaded machine slows
both alike; they prove that the expensive step (the password hash) and the writes happen on
both paths, not a microsecond budget."""

import statistics
import time
from html import unescape

import pytest
from sqlalchemy import select

from partnership.auth.models import User
from partnership.core.models import OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db

from ..conftest import CSRF_RE, csrf_token, log_in
from ..factories import OrganisationFactory, UserFactory, edrpou
from .test_registration import form as registration_form

ROUNDS = 25
ATTEMPTS = 3
MAX_RATIO = 1.3
EXISTING = "taken@example.org"


@pytest.fixture
def unlimited(make_app):
    """An application without rate limits (the timing tests send many requests)."""
    app = make_app(RATELIMIT_ENABLED=False)
    with app.app_context():
        yield app


def visible(response) -> tuple:
    """What a person (or a script) sees of an answer, minus the per-session CSRF token."""
    body = CSRF_RE.sub("", unescape(response.get_data(as_text=True)))
    return response.status_code, response.headers.get("Location"), body


def timed(call) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    assert response.status_code < 500
    response.close()
    return elapsed


def _medians(existing_call, new_call) -> tuple[float, float]:
    existing, new = [], []
    for n in range(ROUNDS):
        if n % 2:
            existing.append(timed(lambda n=n: existing_call(n)))
            new.append(timed(lambda n=n: new_call(n)))
        else:
            new.append(timed(lambda n=n: new_call(n)))
            existing.append(timed(lambda n=n: existing_call(n)))
    return statistics.median(existing), statistics.median(new)


def assert_same_time(existing_call, new_call, label: str) -> None:
    """Medians of interleaved runs. A hash or a write on one path only shows in every attempt;
    a burst of load on the shared machine rarely in three."""
    for n in range(3):  # warm up both paths (templates, statement caches)
        existing_call(f"warm{n}").close()
        new_call(f"warm{n}").close()
    seen = []
    for attempt in range(ATTEMPTS):
        a, b = _medians(lambda n, attempt=attempt: existing_call(f"{attempt}-{n}"),
                        lambda n, attempt=attempt: new_call(f"{attempt}-{n}"))
        ratio = max(a, b) / min(a, b)
        if ratio < MAX_RATIO:
            return
        seen.append(f"existing {a * 1000:.2f} ms, new {b * 1000:.2f} ms (ratio {ratio:.2f})")
    pytest.fail(f"{label}: " + "; ".join(seen))


# --- registration ----------------------------------------------------------------------------

def _register(client, token, email: str, code: str):
    data = registration_form(registry_code=code, manager_email=email)
    return client.post("/register", data={"csrf_token": token, **data})


def test_registration_answers_the_same_for_existing_and_new_addresses(client):
    UserFactory(email=EXISTING, locale="en")
    token = csrf_token(client, "/register")
    existing = _register(client, token, EXISTING, edrpou(101))
    page_existing = visible(client.get("/register/sent"))
    new = _register(client, token, "nobody@example.org", edrpou(102))
    page_new = visible(client.get("/register/sent"))
    assert visible(existing) == visible(new)
    assert existing.status_code == 302
    # The page repeats the address that was typed, so compare it with the address blanked.
    assert page_existing[2].replace(EXISTING, "@") == page_new[2].replace(
        "nobody@example.org", "@")


def test_registration_takes_the_same_time_for_existing_and_new_addresses(unlimited):
    client = unlimited.test_client()
    UserFactory(email=EXISTING)
    token = csrf_token(client, "/register")
    codes = iter(range(200, 400))
    assert_same_time(
        lambda n: _register(client, token, EXISTING, edrpou(next(codes))),
        lambda n: _register(client, token, f"new{n}@example.org", edrpou(next(codes))),
        "registration")


# --- password reset --------------------------------------------------------------------------

def _reset(client, token, email: str):
    return client.post("/password/reset", data={"csrf_token": token, "email": email})


def test_reset_answers_the_same_for_every_kind_of_address(client):
    UserFactory(email=EXISTING)
    UserFactory(email="invited@example.org", password_hash=None)
    UserFactory(email="gone@example.org", active=False)
    token = csrf_token(client, "/password/reset")
    answers = {visible(_reset(client, token, email)) for email in (
        EXISTING, "invited@example.org", "gone@example.org", "nobody@example.org")}
    assert len(answers) == 1


def test_reset_takes_the_same_time_for_existing_and_unknown_addresses(unlimited):
    client = unlimited.test_client()
    UserFactory(email=EXISTING)
    token = csrf_token(client, "/password/reset")
    assert_same_time(lambda n: _reset(client, token, EXISTING),
                     lambda n: _reset(client, token, f"nobody{n}@example.org"), "reset")


# --- inviting a colleague ---------------------------------------------------------------------

def _manager(client):
    organisation = OrganisationFactory()
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=organisation, locale="en")
    assert log_in(client, manager).status_code == 302
    return manager


def _invite(client, token, organisation_id: int, email: str):
    return client.post(f"/organisations/{organisation_id}/colleagues/new", data={
        "csrf_token": token, "email": email, "full_name": "Тарас Шевчук", "role": "org_member"})


def test_invitation_answers_the_same_for_existing_and_new_addresses(client):
    other = UserFactory(email=EXISTING, role=Role.ORG_MEMBER, locale="en",
                        organisation=OrganisationFactory())
    manager = _manager(client)
    path = f"/organisations/{manager.organisation_id}/colleagues/new"
    token = csrf_token(client, path)
    existing = _invite(client, token, manager.organisation_id, EXISTING)
    existing_next = visible(client.get(path))
    new = _invite(client, token, manager.organisation_id, "new@example.org")
    new_next = visible(client.get(path))
    assert visible(existing) == visible(new)
    assert existing.status_code == 302
    assert existing_next == new_next  # the flashed message is the same too
    # The owner of the existing address hears of it; the inviter learns nothing.
    mails = db.session.scalars(select(OutboxEmail).where(OutboxEmail.recipient == EXISTING)).all()
    assert len(mails) == 1 and "already have an account" in mails[0].body
    assert manager.organisation.name_en in mails[0].body
    db.session.refresh(other)
    assert other.organisation_id != manager.organisation_id and other.role == Role.ORG_MEMBER
    assert db.session.scalar(select(User).where(User.email == "new@example.org")) is not None


def test_invitation_takes_the_same_time_for_existing_and_new_addresses(unlimited):
    client = unlimited.test_client()
    UserFactory(email=EXISTING)
    manager = _manager(client)
    token = csrf_token(client, f"/organisations/{manager.organisation_id}/colleagues/new")
    assert_same_time(lambda n: _invite(client, token, manager.organisation_id, EXISTING),
                     lambda n: _invite(client, token, manager.organisation_id,
                                       f"new{n}@example.org"), "invitation")


def test_the_comparison_drops_the_csrf_token(client):
    """The comparisons above drop the token with CSRF_RE; make sure it really goes."""
    response = client.get("/register")
    token = CSRF_RE.search(response.get_data(as_text=True)).group(1)
    assert token not in visible(response)[2]
