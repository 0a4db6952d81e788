"""End-to-end matching in the database: load, score, store (10,000 organisations).

Run:  .venv/bin/python benchmarks/matching_service.py
      .venv/bin/python benchmarks/matching_service.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
Prints the first full run (everything stored), a second run (idempotent: nothing changes),
and a recomputation after one organisation changed an item: inline (the web process loads what
it needs from the database) and in the worker (a warm world, caught up with the change).
"""

import argparse
import resource
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

from benchmarks.directory import build_app
from partnership.extensions import db
from partnership.matching.models import Match
from partnership.matching.services import load_world, propose_matches
from partnership.matching.world import warm_world
from partnership.organisations import demo
from partnership.organisations.models import Item


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--organisations", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(args.database_url, Path(folder))
        with app.app_context():
            upgrade()
            demo.generate(args.organisations, seed=42)
            db.session.commit()
            print(f"database: {db.engine.dialect.name}; {args.organisations} organisations, "
                  f"{db.session.scalar(select(func.count(Item.id)))} items")
            for label in ("first run (stores every proposal)", "second run (no change)"):
                start = time.perf_counter()
                summary = propose_matches()
                db.session.commit()
                print(f"{label}: {time.perf_counter() - start:.2f} s; {summary}")
            print(f"matches stored: {db.session.scalar(select(func.count(Match.id)))}; "
                  f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
            times, loads = [], []
            organisations = range(101, args.organisations, args.organisations // 12)
            for organisation_id in organisations:
                change_one_item(organisation_id)
                start = time.perf_counter()
                load_world(date.today(), organisation_id)
                loads.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                propose_matches(organisation_id)
                db.session.commit()
                times.append((time.perf_counter() - start) * 1000)
            print(f"recomputation inline (no worker): median {statistics.median(times):.0f} ms, "
                  f"max {max(times):.0f} ms (n={len(times)}); of which loading from the "
                  f"database: median {statistics.median(loads):.0f} ms")

            start = time.perf_counter()
            warm_world(date.today())
            print(f"worker start: world loaded in {time.perf_counter() - start:.2f} s; "
                  f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
            times = []
            for organisation_id in organisations:
                change_one_item(organisation_id + 7)
                start = time.perf_counter()  # what the job does: catch up, propose, commit
                world = warm_world(date.today(), organisation_id=organisation_id + 7)
                propose_matches(organisation_id + 7, date.today(), world)
                db.session.commit()
                times.append((time.perf_counter() - start) * 1000)
            print(f"recomputation in the worker (warm world): median "
                  f"{statistics.median(times):.0f} ms, p90 "
                  f"{statistics.quantiles(times, n=10)[-1]:.0f} ms, max {max(times):.0f} ms "
                  f"(n={len(times)})")


def change_one_item(organisation_id: int) -> None:
    item = db.session.scalar(select(Item).where(Item.organisation_id == organisation_id)
                             .order_by(Item.id).limit(1))
    item.quantity = (item.quantity or 1) + 1
    item.updated_at = item.updated_at + timedelta(seconds=1)
    db.session.commit()


if __name__ == "__main__":
    main()
