"""Notification speed, in-process: the bell's unread count and the list page with many
notifications, and ``notify`` to many people (what an event handler does after the commit).

Run:  .venv/bin/python -m benchmarks.notifications                 (SQLite in a temp folder)
      .venv/bin/python -m benchmarks.notifications --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
The PostgreSQL database is emptied first. Prints p50/p95 and SQL per call.
"""

import argparse
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event, insert

from benchmarks.directory import build_app
from partnership.auth.models import User
from partnership.core.database import utcnow
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.notifications import services
from partnership.notifications.models import Category, Delivery, Notification


def measure(name, calls, engine):
    times, queries, counter = [], [], {"n": 0}

    def count(*_):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    for call in calls:
        counter["n"] = 0
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
        queries.append(counter["n"])
        db.session.rollback()
    event.remove(engine, "before_cursor_execute", count)
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(f"{name:<40} n={len(times):<4} p50 {statistics.median(times):7.2f} ms   "
          f"p95 {p95:7.2f} ms   SQL/call {min(queries)}-{max(queries)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--notifications", type=int, default=200_000)
    args = parser.parse_args()
    rng = random.Random(7)  # noqa: S311 - benchmark inputs
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(args.database_url, Path(folder))
        with app.app_context(), app.test_request_context(method="POST"):
            upgrade()
            now = utcnow()
            db.session.execute(insert(User), [
                {"email": f"u{i}@bench.example", "full_name": "", "role": Role.ORG_MEMBER,
                 "active": True, "created_at": now} for i in range(args.users)])
            ids = list(db.session.scalars(db.select(User.id)))
            rows = [{"user_id": rng.choice(ids), "category": Category.PROPOSALS,
                     "kind": "items_expiring", "params": {"count": 1}, "endpoint": "",
                     "link_args": {}, "path": "", "delivery": Delivery.EMAILED,
                     "created_at": now - timedelta(minutes=rng.randrange(200_000)),
                     "read_at": None if rng.random() < 0.3 else now}
                    for _ in range(args.notifications)]
            start = time.perf_counter()
            for chunk in range(0, len(rows), 10_000):
                db.session.execute(insert(Notification), rows[chunk:chunk + 10_000])
            db.session.commit()
            print(f"{args.notifications} notifications for {args.users} users loaded in "
                  f"{time.perf_counter() - start:.1f} s ({db.engine.dialect.name})")
            users = [db.session.get(User, i) for i in rng.sample(ids, 200)]
            measure("bell: unread_count", [lambda u=u: services.unread_count(u) for u in users],
                    db.engine)
            measure("list: page 1", [lambda u=u: list(services.page_of(u, 1).items)
                                     for u in users], db.engine)
            groups = [rng.sample(users, 50) for _ in range(30)]
            measure("notify 50 people (e-mail each)",
                    [lambda g=g: services.notify(g, "items_expiring", {"count": 2})
                     for g in groups],
                    db.engine)


if __name__ == "__main__":
    main()
