"""Directory speed with 10,000 organisations and 100,000 offers and needs, in-process.

Run:  .venv/bin/python benchmarks/directory.py                      (SQLite in a temp folder)
      .venv/bin/python benchmarks/directory.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
The PostgreSQL database is emptied first. Prints p50/p95 per kind of request and SQL per page.
"""

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text

from partnership import create_app
from partnership.extensions import db
from partnership.organisations import demo
from partnership.organisations.taxonomy import areas, regions

QUERIES = ["Mykolaiv", "Київ", "Astana", "rehabilitation", "лікарня", "Алматы", "Hospital №12",
           "Polyclinic", "оңалту", "Kharkiv"]


def build_app(url: str | None, folder: Path):
    if url and url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    url = url or f"sqlite:///{folder / 'bench.db'}"
    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(folder), "RATELIMIT_ENABLED": False})
    return app


def timed(client, paths, engine) -> tuple[list[float], list[int]]:
    times, queries = [], []
    counter = {"n": 0}

    def count(*_):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    for path in paths:
        counter["n"] = 0
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, path
        queries.append(counter["n"])
    event.remove(engine, "before_cursor_execute", count)
    return times, queries


def report(name: str, times: list[float], queries: list[int]) -> None:
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(f"{name:<34} n={len(times):<4} p50 {statistics.median(times):7.1f} ms   "
          f"p95 {p95:7.1f} ms   max {ordered[-1]:7.1f} ms   SQL/page {min(queries)}-{max(queries)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)  # noqa: S311 - benchmark inputs
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(args.database_url, Path(folder))
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            demo.generate(args.organisations, seed=42)
            db.session.commit()
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
            print(f"database: {db.engine.dialect.name}; seeded {args.organisations} "
                  f"organisations with {args.organisations * 10} items in "
                  f"{time.perf_counter() - start:.1f} s")
            engine = db.engine
        client = app.test_client()
        area_codes, region_codes = list(areas()), list(regions())
        filtered = []
        for _ in range(args.requests):
            choice = rng.randrange(4)
            if choice == 0:
                filtered.append(f"/organisations?country={rng.choice(['UA', 'KZ'])}"
                                f"&page={rng.randrange(1, 50)}")
            elif choice == 1:
                filtered.append(f"/organisations?area={rng.choice(area_codes)}"
                                f"&direction={rng.choice(['offer', 'need'])}")
            elif choice == 2:
                filtered.append(f"/organisations?region={rng.choice(region_codes)}"
                                f"&kind=hospital")
            else:
                filtered.append(f"/organisations?country=KZ&area={rng.choice(area_codes)}"
                                f"&page={rng.randrange(1, 5)}")
        searches = [f"/organisations?q={rng.choice(QUERIES)}" for _ in range(args.requests)]
        timed(client, ["/organisations"] * 5, engine)  # warm up
        report("directory, filtered list", *timed(client, filtered, engine))
        report("directory, search", *timed(client, searches, engine))
        report("directory, search + area filter", *timed(
            client, [f"{p}&area={rng.choice(area_codes)}" for p in searches], engine))


if __name__ == "__main__":
    main()
