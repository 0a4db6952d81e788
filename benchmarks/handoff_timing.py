"""Does telling people slow the page? An officer verifies registrations (the handlers then
recompute the organisation's proposals and e-mail its managers), with the handlers after the
response (``EVENTS_AFTER_RESPONSE``, the default) and before it, in-process.

Run:  .venv/bin/python -m benchmarks.handoff_timing                 (SQLite in a temp folder)
      .venv/bin/python -m benchmarks.handoff_timing --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
The PostgreSQL database is emptied first. Prints, per mode, the response time (p50/p95) and the
time until the handlers have run (the e-mail is in the outbox).
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from benchmarks.directory import build_app
from benchmarks.my_work import CSRF_RE, add_user, sign_in
from partnership.core import unit_of_work
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching.services import propose_matches
from partnership.organisations import demo
from partnership.organisations.models import Organisation, Status


def verify_each(client, ids: list[int]) -> tuple[list[float], list[float]]:
    answered, handled = [], []
    for organisation_id in ids:
        path = f"/embassy/organisations/{organisation_id}"
        token = CSRF_RE.search(client.get(path).get_data(as_text=True)).group(1)
        start = time.perf_counter()
        response = client.post(f"{path}/decide/verify", data={"csrf_token": token, "reason": ""})
        answered.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.status_code
        assert unit_of_work.wait_for_handlers()
        handled.append((time.perf_counter() - start) * 1000)
    return answered, handled


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--decisions", type=int, default=20, help="per mode")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(args.database_url, Path(folder))
        with app.app_context():
            upgrade()
            demo.generate(args.organisations, seed=7)
            db.session.commit()
            pending = list(db.session.scalars(select(Organisation).order_by(Organisation.id)
                                              .limit(2 * args.decisions)))
            for organisation in pending:
                organisation.status = Status.PENDING
                add_user_for(organisation)
            db.session.commit()
            propose_matches(None)
            db.session.commit()
            officer, secret = add_user(Role.EMBASSY_OFFICER)
            email, ids = officer.email, [o.id for o in pending]
            print(f"{args.organisations} organisations, {args.decisions} verifications per mode "
                  f"({db.engine.dialect.name})")
        client = sign_in(app, email, secret)     # once: a two-step code is accepted once
        for label, after in (("handlers after the response", True),
                             ("handlers before the response", False)):
            app.config["EVENTS_AFTER_RESPONSE"] = after
            chosen, ids = ids[:args.decisions], ids[args.decisions:]
            answered, handled = verify_each(client, chosen)
            print(f"  {label:30} response p50 {statistics.median(answered):7.1f} ms  "
                      f"p95 {p95(answered):7.1f} ms   handlers done p50 "
                  f"{statistics.median(handled):7.1f} ms  p95 {p95(handled):7.1f} ms")


def add_user_for(organisation: Organisation) -> None:
    from partnership.auth.models import User

    db.session.add(User(email=f"manager{organisation.id}@bench.example", full_name="Manager",
                        role=Role.ORG_MANAGER, active=True, password_hash="!",  # noqa: S106 - no sign-in
                        organisation_id=organisation.id))


if __name__ == "__main__":
    main()
