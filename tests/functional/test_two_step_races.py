"""One second-factor code signs in exactly once, even when several sessions send it at the same
moment: N threads, each with its own application context, database session and connection (or
its own browser session), wait at a barrier and then present the same code. Runs on SQLite and,
with TEST_DATABASE_URL, on PostgreSQL."""

import threading

import pyotp
from flask_babel import force_locale
from sqlalchemy import func, select

from partnership.auth import services
from partnership.auth.models import RecoveryCode, User
from partnership.auth.totp import hash_recovery_code
from partnership.core.models import AuditEvent
from partnership.core.roles import Role
from partnership.core.services import ServiceError
from partnership.extensions import db

from ..conftest import post_form
from ..factories import DEFAULT_PASSWORD, UserFactory

THREADS = 8


def race(app, user_id: int, attempt) -> list[str]:
    """Run ``attempt(user)`` in THREADS threads released together; collect what each got."""
    db.session.remove()
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        with app.app_context(), force_locale("en"):
            user = db.session.get(User, user_id)
            barrier.wait(timeout=30)
            try:
                outcome = attempt(user)
                if outcome == "signed in":
                    services.complete_login(user)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below, not swallowed
                db.session.rollback()
                outcome = f"{type(error).__name__}: {error}"
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == THREADS, results
    return sorted(results)


def second_factor(code: str):
    def attempt(user: User) -> str:
        ok = services.check_second_factor(user, code, "203.0.113.9")
        return "signed in" if ok else "refused"

    return attempt


def logins() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == "auth.login"))


def test_one_totp_code_signs_in_once_under_concurrent_sessions(app):
    secret = pyotp.random_base32()
    user = UserFactory(role=Role.ADMIN, totp_secret=secret)
    outcomes = race(app, user.id, second_factor(pyotp.TOTP(secret).now()))
    assert outcomes == ["refused"] * (THREADS - 1) + ["signed in"], outcomes
    assert logins() == 1


def test_one_recovery_code_signs_in_once_under_concurrent_sessions(app):
    user = UserFactory(role=Role.PROGRAMME_COORDINATOR, totp_secret=pyotp.random_base32())
    db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_recovery_code("abcd-efgh-jkmn")))
    db.session.commit()
    outcomes = race(app, user.id, second_factor("abcd-efgh-jkmn"))
    assert outcomes == ["refused"] * (THREADS - 1) + ["signed in"], outcomes
    assert logins() == 1
    assert db.session.scalar(select(func.count(RecoveryCode.id))
                             .where(RecoveryCode.used_at.is_not(None))) == 1


def test_one_enrolment_code_turns_two_step_on_once(app):
    """Two tabs confirming the same new secret with the same code: one enrolment, one set of
    recovery codes, and the code is spent for the sign-in that follows."""
    user = UserFactory(role=Role.ADMIN)
    secret = pyotp.random_base32()
    code = pyotp.TOTP(secret).now()

    def attempt(user: User) -> str:
        try:
            services.enrol_totp(user, secret, code)
        except ServiceError as error:
            return f"refused: {error.message}"
        return "signed in"

    outcomes = race(app, user.id, attempt)
    assert outcomes.count("signed in") == 1, outcomes
    assert all(o.startswith("refused") for o in outcomes if o != "signed in"), outcomes
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 10
    user = db.session.get(User, user.id)
    assert user.totp_secret == secret
    assert not services.check_second_factor(user, code, None)  # no replay after enrolment


def test_one_totp_code_through_parallel_browsers_signs_in_once(app):
    """The same through the pages: eight browsers past the password step post one code."""
    secret = pyotp.random_base32()
    user = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret)
    clients = [app.test_client() for _ in range(THREADS)]
    for client in clients:
        response = post_form(client, "/login", {"email": user.email, "password": DEFAULT_PASSWORD})
        assert response.headers["Location"] == "/login/verify"
    db.session.remove()
    code = pyotp.TOTP(secret).now()
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    lock = threading.Lock()

    def post(client) -> None:
        data = {"csrf_token": _csrf(client), "code": code}
        barrier.wait(timeout=30)
        status = client.post("/login/verify", data=data).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] * (THREADS - 1) + [302], statuses
    assert sum(c.get("/account").status_code == 200 for c in clients) == 1
    assert logins() == 1


def _csrf(client) -> str:
    from ..conftest import CSRF_RE

    return CSRF_RE.search(client.get("/login/verify").get_data(as_text=True)).group(1)
