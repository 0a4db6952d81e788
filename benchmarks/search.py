"""Full-text search and the filtered directory with 10,000 organisations and 100,000 items.

Run:  .venv/bin/python benchmarks/search.py                          (SQLite in a temp folder)
      .venv/bin/python benchmarks/search.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
      add --folder DIR to keep (and reuse) the seeded SQLite file, --http to also load the pages
      under gunicorn (deploy/gunicorn.conf.py, 2 workers, 32 connections, loopback, --port)
The PostgreSQL database is emptied first (unless --reuse). Prints p50/p95/max in-process, then for
--http requests per second and p50/p99 of the directory, the search, a bare Flask + Jinja page
(benchmarks/bare_app.py) and the application's smallest page for a visitor (the help page: the
floor every page of the application stands on, its session, language, header and menu), measured
one after the other in the same run; each page's share of the bare page and of that floor.

Each page is measured twice: "uncached", with the cache of rendered directory pages off
(DIRECTORY_CACHE_ENTRIES=0: every request searches and renders, the engine's own figure), and
"cached", as production runs (organisations/directory_cache.py). The cached runs repeat the same
--requests addresses (printed: how many are distinct), so nearly every request after the first
round is a hit: what a page asked again costs, not what a new search costs.
"""

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

from flask_migrate import upgrade
from sqlalchemy import event, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.directory import build_app  # noqa: E402
from partnership.extensions import db  # noqa: E402
from partnership.organisations import demo, directory_cache  # noqa: E402
from partnership.organisations.models import Organisation  # noqa: E402
from partnership.organisations.taxonomy import areas, regions  # noqa: E402

QUERIES = ["реабілітація", "реабілітації", "реабилитация", "rehabilitation", "оңалту",
           "Mykolaiv", "Київ", "Алматы", "hospital", "лікарня", "аурухана", "кардиология",
           "paediatric oncology", "дитяча онкологія", "телемедицина", "Kharkiv hospital",
           "нейрохірургія", "prosthetics", "rehabilitaton", "Mikolaev"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * share + 0.5) - 1))]


def report(name: str, times: list[float], queries: list[int]) -> None:
    print(f"{name:<46} n={len(times):<4} p50 {statistics.median(times):7.1f} ms   "
          f"p95 {percentile(times, 0.95):7.1f} ms   max {max(times):7.1f} ms   "
          f"SQL/page {min(queries)}-{max(queries)}")


def timed(client, paths, engine) -> tuple[list[float], list[int]]:
    times, queries, counter = [], [], {"n": 0}

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


def paths(rng: random.Random, requests: int) -> dict[str, list[str]]:
    area_codes, region_codes = list(areas()), list(regions())
    filtered = []
    for _ in range(requests):
        choice = rng.randrange(3)
        if choice == 0:
            filtered.append(f"/organisations?country={rng.choice(['UA', 'KZ'])}"
                            f"&page={rng.randrange(1, 50)}")
        elif choice == 1:
            filtered.append(f"/organisations?area={rng.choice(area_codes)}"
                            f"&direction={rng.choice(['offer', 'need'])}")
        else:
            filtered.append(f"/organisations?region={rng.choice(region_codes)}&kind=hospital")
    search = [f"/organisations?q={quote(rng.choice(QUERIES))}" for _ in range(requests)]
    combined = [f"{path}&country={rng.choice(['UA', 'KZ'])}&area={rng.choice(area_codes)}"
                for path in search]
    return {"directory, filtered": filtered, "search": search,
            "search + country + area": combined}


# --- under gunicorn ----------------------------------------------------------------------------

def serve(app_spec: str, port: int, database_url: str, folder: Path,
          environment: dict | None = None) -> subprocess.Popen:
    env = {**os.environ, "PARTNERSHIP_ENV": "production", "SECRET_KEY": "s" * 48,
           "PUBLIC_BASE_URL": "https://partnerships.example.org", "DATABASE_URL": database_url,
           "GUNICORN_WORKERS": "2", "GUNICORN_BIND": f"127.0.0.1:{port}", "REDIS_URL": "",
           "RATELIMIT_ENABLED": "false", "PYTHONPATH": str(ROOT), **(environment or {})}
    process = subprocess.Popen(  # noqa: S603 - our own executable and arguments
        [str(Path(sys.executable).with_name("gunicorn")), "-c",
         str(ROOT / "deploy/gunicorn.conf.py"), "--access-logfile", "/dev/null", app_spec],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"gunicorn did not start {app_spec}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def load(port: int, urls: list, connections: int, seconds: float) -> dict:
    """``connections`` threads, each with one keep-alive connection, for ``seconds``. A URL is
    a path, or (path, headers) to send with it (a signed-in person's cookie)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, n = [], offset
        while time.perf_counter() < stop_at:
            url, extra = urls[n % len(urls)], {}
            if isinstance(url, tuple):
                url, extra = url
            n += 1
            start = time.perf_counter()
            try:
                connection.request("GET", url, headers={"Host": "partnerships.example.org",
                                                        "X-Forwarded-Proto": "https", **extra})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append((time.perf_counter() - start) * 1000)
            if not ok:
                with lock:
                    errors[0] += 1
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i * 7,)) for i in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"rps": len(latencies) / elapsed, "p50": statistics.median(latencies),
            "p99": percentile(latencies, 0.99), "n": len(latencies), "errors": errors[0]}


BARE = "bare Flask + Jinja page"
COMPILED = "  (template compiled once)"
FLOOR = "help page, anonymous"   # the same line as proposals_page.py prints


def bare_pages(args, database_url: str, folder: Path) -> dict:
    """The yardsticks, under the same gunicorn in the same run: ``BARE``, a bare Flask + Jinja
    page, and ``COMPILED``, the same page from a template compiled once (bare_app.py)."""
    bare = serve("benchmarks.bare_app:create_app()", args.port, database_url, folder)
    try:
        load(args.port, ["/"], 4, 2)   # warm up
        return {BARE: load(args.port, ["/"], args.connections, args.seconds),
                COMPILED: load(args.port, ["/compiled"], args.connections, args.seconds)}
    finally:
        stop(bare)


def print_results(title: str, results: dict, width: int, floor: str | None = None) -> None:
    """One line per page: requests per second, its share of the bare page's (and of the
    application's ``floor`` page's, when given), p50 and p99."""
    base = results[BARE]["rps"]
    print(title)
    for name, r in results.items():
        of_floor = (f", {100 * r['rps'] / results[floor]['rps']:5.1f} % of the floor"
                    if floor in results else "")
        print(f"{name:<{width}} {r['rps']:7.1f} req/s ({100 * r['rps'] / base:5.1f} % of bare"
              f"{of_floor})   p50 {r['p50']:7.1f} ms   p99 {r['p99']:7.1f} ms   "
              f"n={r['n']} errors={r['errors']}")


def http_run(args, database_url: str, folder: Path, sets: dict[str, list[str]]) -> None:
    results = bare_pages(args, database_url, folder)
    for cached, entries in (("uncached", "0"), ("cached", "")):
        server = serve("partnership:create_app()", args.port, database_url, folder,
                       {"DIRECTORY_CACHE_ENTRIES": entries})
        try:
            load(args.port, sets["search"][:20], 4, 3)   # warm up (dictionaries, caches)
            if entries == "0":
                # The application's own floor for a visitor: its smallest page (the help
                # page, a few lines under the site's header), which every page stands on.
                results[FLOOR] = load(args.port, ["/help"], args.connections, args.seconds)
            for name in ("directory, filtered", "search", "search + country + area"):
                results[f"{name}, {cached}"] = load(args.port, sets[name], args.connections,
                                                    args.seconds)
        finally:
            stop(server)
    print_results(f"gunicorn, 2 workers, {args.connections} connections, {args.seconds:.0f} s "
                  "each:", results, 44, FLOOR)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--folder", help="keep the SQLite file here and reuse it next time")
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: keep the seeded data")
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--port", type=int, default=5108)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    rng = random.Random(7)  # noqa: S311 - benchmark inputs
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(args.folder or temporary)
        folder.mkdir(parents=True, exist_ok=True)
        url = args.database_url
        existing = args.reuse if url else (folder / "bench.db").exists()
        if existing:
            from partnership import create_app

            app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "bench",
                              "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder / 'bench.db'}",
                              "INSTANCE_PATH": str(folder), "RATELIMIT_ENABLED": False})
        else:
            app = build_app(url, folder)   # PostgreSQL: the schema is emptied first
        with app.app_context():
            upgrade()   # a reused database may be older than the code
            if not existing:
                start = time.perf_counter()
                demo.generate(args.organisations, seed=42)
                db.session.commit()
                print(f"seeded and indexed {args.organisations} organisations with "
                      f"{args.organisations * 10} items in {time.perf_counter() - start:.1f} s")
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
            count = db.session.scalar(select(func.count(Organisation.id)))
            print(f"database: {db.engine.dialect.name}, {count} organisations")
            engine = db.engine
            database_url = str(engine.url.render_as_string(hide_password=False))
        client = app.test_client()
        sets = paths(rng, args.requests)
        for name, urls in sets.items():
            print(f"{name}: {len(set(urls))} distinct addresses of {len(urls)}")
        timed(client, sets["search"][:10], engine)  # warm up
        kept = app.extensions["directory_cache"]
        app.extensions["directory_cache"] = directory_cache.Kept(0)
        for name, urls in sets.items():
            report(f"in-process, uncached: {name}", *timed(client, urls, engine))
        app.extensions["directory_cache"] = kept
        for name, urls in sets.items():
            report(f"in-process, cached: {name}", *timed(client, urls, engine))
        if args.http:
            http_run(args, database_url, folder, sets)


if __name__ == "__main__":
    main()
