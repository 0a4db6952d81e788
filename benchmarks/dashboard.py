"""The embassy's dashboard with 10,000 organisations, 100,000 items and 20,000 proposals,
in-process: p50/p95 of the page (target p95 <= 150 ms) and the SQL statements per page.

Run:  .venv/bin/python benchmarks/dashboard.py                      (SQLite in a temp folder)
      .venv/bin/python benchmarks/dashboard.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
The PostgreSQL database is emptied first. Data are bulk-inserted: organisations registered over
18 months, proposals over 12, a fifth of them with interest, some mutual, vetted, in
partnerships (about 800) with memoranda agreed and signed.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyotp
from flask_migrate import upgrade
from sqlalchemy import event, insert, select, text, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.directory import build_app  # noqa: E402
from partnership.core.roles import Role  # noqa: E402
from partnership.extensions import db  # noqa: E402
from partnership.matching.figures import store_supply_and_demand  # noqa: E402
from partnership.matching.models import Match, MatchStatus  # noqa: E402
from partnership.memoranda.models import (  # noqa: E402
    Memorandum,
    MemorandumState,
    MemorandumTemplate,
)
from partnership.organisations import demo  # noqa: E402
from partnership.organisations.models import Country, Direction, Item, Organisation  # noqa: E402
from partnership.partnerships.models import Partnership  # noqa: E402


def seed(organisations: int, proposals: int, rng: random.Random) -> None:
    demo.generate(organisations, seed=42)
    now = datetime.now(UTC)
    ids = list(db.session.scalars(select(Organisation.id)))
    db.session.execute(update(Organisation), [
        {"id": i, "created_at": now - timedelta(days=rng.randrange(0, 540))} for i in ids])
    items = db.session.execute(select(Item.id, Item.organisation_id, Item.direction,
                                      Item.updated_at, Organisation.country)
                               .join(Organisation)).all()
    # Ukrainian needs and Kazakh offers, as partnerships have them.
    needs = [r for r in items if r.direction == Direction.NEED and r.country == Country.UA]
    offers = [r for r in items if r.direction == Direction.OFFER and r.country == Country.KZ]
    db.session.add(MemorandumTemplate(number=1, content={}))
    db.session.flush()
    pairs, rows = set(), []
    while len(rows) < proposals:
        need, offer = rng.choice(needs), rng.choice(offers)
        if need.organisation_id == offer.organisation_id or (need.id, offer.id) in pairs:
            continue
        pairs.add((need.id, offer.id))
        created = now - timedelta(days=rng.uniform(0, 365))
        row = {"need_id": need.id, "offer_id": offer.id,
               "need_organisation_id": need.organisation_id,
               "offer_organisation_id": offer.organisation_id, "score": rng.random(),
               "components": {}, "status": MatchStatus.PROPOSED, "origin": "engine",
               "rationale": "", "status_reason": "", "need_version": need.updated_at,
               "offer_version": offer.updated_at, "created_at": created, "updated_at": created,
               "interest_at": None, "mutual_at": None, "vetted_at": None}
        if rng.random() < 0.2:
            row["interest_at"] = created + timedelta(days=rng.uniform(0, 20))
            row["status"] = MatchStatus.INTEREST_NEED
            if rng.random() < 0.5:
                row["mutual_at"] = row["interest_at"] + timedelta(days=rng.uniform(0, 20))
                row["status"] = MatchStatus.MUTUALLY_ACCEPTED
                if rng.random() < 0.5:
                    row["vetted_at"] = row["mutual_at"] + timedelta(days=rng.uniform(0, 10))
                    row["status"] = MatchStatus.VETTED
        rows.append(row)
    vetted = [row for row in rows if row["vetted_at"]]
    partnership_rows = [{"reference": f"UA-KZ-B-{n:05d}", "objectives": "", "status": "forming",
                         "ukrainian_organisation_id": row["need_organisation_id"],
                         "kazakh_organisation_id": row["offer_organisation_id"],
                         "created_at": row["vetted_at"], "updated_at": row["vetted_at"]}
                        for n, row in enumerate(vetted)]
    partnership_ids = db.session.scalars(insert(Partnership).returning(Partnership.id),
                                         partnership_rows).all()
    memoranda = []
    for row, partnership_id in zip(vetted, partnership_ids, strict=True):
        row["partnership_id"] = partnership_id
        if rng.random() < 0.6:
            agreed = row["vetted_at"] + timedelta(days=rng.uniform(5, 60))
            signed = (agreed + timedelta(days=rng.uniform(1, 30))).date() if rng.random() < 0.6 \
                else None
            memoranda.append({"partnership_id": partnership_id, "template_id": 1,
                              "state": MemorandumState.SIGNED if signed else
                              MemorandumState.AGREED, "agreed_at": agreed, "signed_on": signed,
                              "created_at": agreed, "updated_at": agreed, "signed_place": "",
                              "signatories": "", "end_reason": ""})
    for row in rows:
        row.setdefault("partnership_id", None)
    db.session.execute(insert(Match), rows)
    db.session.execute(insert(Memorandum), memoranda)
    print(f"  {len(rows)} proposals, {len(vetted)} vetted into partnerships, "
          f"{len(memoranda)} memoranda")
    # What the matching run does after storing its proposals (they were bulk-inserted here).
    started = time.perf_counter()
    store_supply_and_demand(date.today(), now)
    print(f"  supply and demand stored in {(time.perf_counter() - started) * 1000:.0f} ms "
          f"(the cost the matching run now pays once)")


def profile_statements(engine, client, paths) -> list[tuple[str, float]]:
    """Time each SQL statement of one pass over the paths: (statement's start, total ms)."""
    totals: dict[str, float] = {}
    started: list[float] = []

    def before(*_):
        started.append(time.perf_counter())

    def after(_conn, _cursor, statement, *_):
        key = " ".join(statement.split())[:110]
        totals[key] = totals.get(key, 0.0) + (time.perf_counter() - started.pop()) * 1000

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    for path in paths:
        client.get(path)
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    return sorted(totals.items(), key=lambda item: -item[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--proposals", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    rng = random.Random(12)  # noqa: S311 - benchmark inputs
    from tests.conftest import IsolatedClient, log_in
    from tests.factories import UserFactory

    with tempfile.TemporaryDirectory() as folder:
        app = build_app(args.database_url, Path(folder))
        app.test_client_class = IsolatedClient
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            seed(args.organisations, args.proposals, rng)
            secret = pyotp.random_base32()
            officer = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret)
            db.session.commit()
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
            print(f"database: {db.engine.dialect.name}; seeded {args.organisations} "
                  f"organisations, {db.session.scalar(select(db.func.count(Item.id)))} items "
                  f"in {time.perf_counter() - started:.1f} s")
            engine = db.engine
            client = app.test_client()
            assert log_in(client, officer, secret=secret).status_code == 302
            db.session.remove()
        today = date.today()
        paths = ["/embassy/dashboard"]
        for _ in range(5):
            first = today - timedelta(days=rng.randrange(30, 360))
            paths.append(f"/embassy/dashboard?first={first}&last={first + timedelta(days=91)}")
        counter = {"n": 0}

        def count(*_):
            counter["n"] += 1

        for path in paths[:3]:
            client.get(path)  # warm up
        event.listen(engine, "before_cursor_execute", count)
        times, queries = [], []
        for n in range(args.requests):
            counter["n"] = 0
            started = time.perf_counter()
            response = client.get(paths[n % len(paths)])
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            queries.append(counter["n"])
        event.remove(engine, "before_cursor_execute", count)
        profile = profile_statements(engine, client, paths)
        ordered = sorted(times)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        print(f"dashboard page  n={len(times)}  p50 {statistics.median(times):6.1f} ms   "
              f"p95 {p95:6.1f} ms   max {ordered[-1]:6.1f} ms   (target p95 <= 150 ms)   "
              f"SQL/page {min(queries)}-{max(queries)}")
        print("slowest statements (mean ms per page over one pass of the paths):")
        for statement, total in profile[:6]:
            print(f"  {total / len(paths):7.1f} ms  {statement}")
        trivial = []
        for _ in range(20):
            started = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            trivial.append((time.perf_counter() - started) * 1000)
        print(f"trivial page /healthz in the same process: p50 {statistics.median(trivial):.1f} ms")


if __name__ == "__main__":
    main()
