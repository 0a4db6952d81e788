"""Notifications never slow the request that caused them: the time of "express interest" (the
Ukrainian manager's POST, until its response is complete) with the notification handlers
registered and without them, in-process (Flask test client). The handlers' own work (the
notification, the e-mail queued and sent) runs once the response is closed; it is timed apart.

Run:  .venv/bin/python -m benchmarks.notification_timing [--requests 200]   (SQLite, temp folder)
      .venv/bin/python -m benchmarks.notification_timing --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
The PostgreSQL database is emptied first. Prints p50/p95 per variant.
"""

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from benchmarks.directory import build_app
from partnership.core import events
from partnership.extensions import db
from partnership.matching.models import Match

CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def world(n: int):
    """One Ukrainian hospital with ``n`` needs, each proposed to a Kazakh centre's offer (each
    centre has a manager, who is told of the interest)."""
    from partnership.core.roles import Role
    from partnership.organisations.models import Country, Direction
    from tests.factories import ItemFactory, OrganisationFactory, UserFactory

    ua = OrganisationFactory()
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=ua, locale="uk")
    matches = []
    for i in range(n):
        kz = OrganisationFactory(country=Country.KZ)
        UserFactory(role=Role.ORG_MANAGER, organisation=kz, locale="kk")
        need = ItemFactory(organisation=ua, direction=Direction.NEED,
                           area="paediatric_rehabilitation")
        offer = ItemFactory(organisation=kz, area="paediatric_rehabilitation")
        match = Match(need_id=need.id, offer_id=offer.id, need_organisation_id=ua.id,
                      offer_organisation_id=kz.id, score=0.5 + i / (10 * n),
                      need_version=need.updated_at, offer_version=offer.updated_at)
        db.session.add(match)
        matches.append(match)
    db.session.commit()
    return manager, [m.id for m in matches]


def run(client, token: str, match_ids: list[int]) -> tuple[list[float], list[float]]:
    """Per request: ms until the response is complete, and ms of what runs on closing it."""
    response_ms, after_ms = [], []
    for match_id in match_ids:
        start = time.perf_counter()
        response = client.post(f"/matches/{match_id}/interest", data={"csrf_token": token},
                               buffered=False)
        middle = time.perf_counter()
        assert response.status_code in (302, 303), response.status_code
        response.close()  # as the server does once the response is sent: handlers run now
        end = time.perf_counter()
        response_ms.append((middle - start) * 1000)
        after_ms.append((end - middle) * 1000)
    return response_ms, after_ms


def line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (f"{name:<52} n={len(times):<4} p50 {statistics.median(times):7.2f} ms   "
            f"p95 {p95:7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    from tests.conftest import log_in

    with tempfile.TemporaryDirectory() as folder:
        app = build_app(args.database_url, Path(folder))
        app.config.update(MAIL_SERVER=None)
        with app.app_context():
            upgrade()
            manager, match_ids = world(2 * args.requests + 10)
            client = app.test_client()
            assert log_in(client, manager).status_code == 302
            token = CSRF_RE.search(client.get("/my-work").get_data(as_text=True)).group(1)
            run(client, token, match_ids[:10])  # warm up
            half = match_ids[10:10 + args.requests], match_ids[10 + args.requests:]
            with_handlers = run(client, token, half[0])
            registered = events.HANDLERS
            events.HANDLERS = {}
            try:
                without = run(client, token, half[1])
            finally:
                events.HANDLERS = registered
            told = db.session.scalar(db.text("SELECT count(*) FROM notification"))
            mailed = db.session.scalar(db.text("SELECT count(*) FROM outbox_email"))
        print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}; "
              f"notifications made: {told}, e-mails queued: {mailed}")
        print(line("express interest, handlers registered (response)", with_handlers[0]))
        print(line("express interest, no handlers (response)", without[0]))
        print(line("  after the response, handlers registered", with_handlers[1]))
        print(line("  after the response, no handlers", without[1]))


if __name__ == "__main__":
    main()
