"""A manager's proposals page at 10,000 organisations: in-process and under gunicorn.

Run:  .venv/bin/python benchmarks/proposals_page.py --build        (builds the load test's world)
      .venv/bin/python benchmarks/proposals_page.py                (reuses it)
      add --http to also load the page under gunicorn (deploy/gunicorn.conf.py, 2 workers,
      32 connections, loopback) beside a bare Flask + Jinja page (benchmarks/bare_app.py)

The data is the load test's world (``loadtest/world.py``: 10,000 verified organisations with ten
items each, their proposals from a full matching run, 40 managers of generated organisations)
in the PostgreSQL database ``--database-url`` (emptied by ``--build``). Each manager signs in
through the real sign-in page; the requests go round the managers, each with its own session.
Prints p50/p95/max in-process per language (with the cards and size of a page), then for
--http requests per second and p50/p99 of the bare page, of the application's smallest page
(the help page, anonymous and signed in: the floor any page of it stands on) and of the
proposals pages, each as a share of the bare page and of the signed-in floor. Both ways, the
proposals pages are measured twice: with nothing kept (PROPOSALS_CACHE_ENTRIES=0: every request
reads and renders them, as the first visit after a change does) and kept
(matching/page_cache.py: the same page asked again while nothing changed).
"""

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.search import bare_pages, load, percentile, print_results, serve, stop  # noqa: E402
from loadtest.forms import form_with  # noqa: E402
from loadtest.world import PASSWORD  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_proposals"
HEADERS = {"Host": "partnerships.example.org", "X-Forwarded-Proto": "https"}


def build(url: str, instance: Path, accounts: Path, organisations: int) -> None:
    subprocess.run([sys.executable, "-m", "loadtest.world", "--database", url,  # noqa: S603
                    "--instance", str(instance), "--accounts", str(accounts),
                    "--organisations", str(organisations)], cwd=ROOT, check=True)


def in_process(url: str, instance: Path, managers: list[dict], rounds: int) -> None:
    from partnership import create_app

    for kept, entries in (("nothing kept", 0), ("kept", 200)):
        app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance),
                          "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
                          "PROPOSALS_CACHE_ENTRIES": entries})
        for language in ("uk", "kk", "en"):
            times, cards, sizes = [], [], []
            for manager in managers:
                client = app.test_client()
                client.post("/login", data={"email": manager["email"], "password": PASSWORD})
                client.post("/language", data={"language": language})
                path = f"/organisations/{manager['organisation_id']}/proposals"
                client.get(path)   # warm: the catalogue, the connection, the session
                for _ in range(rounds):
                    start = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, (path, response.status_code)
                html = response.get_data(as_text=True)
                assert f'lang="{language}"' in html, "the page is not in the language asked for"
                cards.append(html.count('class="match-card"'))
                sizes.append(len(response.data))
            print(f"in-process, {kept}, {language}: n={len(times)} "
                  f"p50 {statistics.median(times):6.1f} ms   "
                  f"p95 {percentile(times, 0.95):6.1f} ms   max {max(times):6.1f} ms   "
                  f"cards/page {min(cards)}-{max(cards)} (median {statistics.median(cards):.0f})"
                  f"   {min(sizes) // 1000}-{max(sizes) // 1000} kB")


def _cookies(response, jar: dict) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name] = rest.split(";", 1)[0]


def sign_in(port: int, email: str) -> dict:
    """Sign in through the sign-in page as a browser would; the session's Cookie header."""
    jar: dict = {}

    def request(method: str, path: str, body: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {**HEADERS, "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
                   "Referer": f"https://partnerships.example.org{path}"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        _cookies(response, jar)
        connection.close()
        return response.status, text

    _status, page = request("GET", "/login")
    form = form_with(page, "password")
    status, _ = request("POST", "/login", urlencode(form.values(email=email, password=PASSWORD)))
    if status not in (302, 303) or request("GET", "/my-work")[0] != 200:
        raise SystemExit(f"{email} could not sign in (status {status})")
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


def http_run(args, managers: list[dict], folder: Path) -> None:
    environment = {"TRUSTED_PROXIES": "1", "RATE_LIMIT_LOGIN": "10000 per minute"}
    results = bare_pages(args, args.database_url, folder)
    # First with nothing kept (each request reads and renders the page, as the first visit
    # after a change does), then kept (the page asked again while nothing changed).
    for kept, entries in (("nothing kept", "0"), ("kept", "")):
        server = serve("partnership:create_app()", args.port, args.database_url, folder,
                       {**environment, "PROPOSALS_CACHE_ENTRIES": entries})
        try:
            pages = [(f"/organisations/{m['organisation_id']}/proposals",
                      sign_in(args.port, m["email"])) for m in managers]
            load(args.port, pages, 4, 3)   # warm up (catalogues, connections)
            if entries == "0":
                # The application's own floor: its smallest page (the help page, a few lines
                # of text under the site's header), for a visitor and the managers signed in.
                results["help page, anonymous"] = load(args.port, ["/help"], args.connections,
                                                       args.seconds)
                results["help page, signed in"] = load(
                    args.port, [("/help", cookie) for _path, cookie in pages],
                    args.connections, args.seconds)
            results[f"proposals page, {kept}"] = load(args.port, pages, args.connections,
                                                      args.seconds)
        finally:
            stop(server)
    print_results(f"gunicorn, 2 workers, {args.connections} connections, {args.seconds:.0f} s "
                  f"each, {len(managers)} managers:", results, 28, "help page, signed in")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--instance", type=Path, default=Path(tempfile.gettempdir())
                        / "bench-proposals")
    parser.add_argument("--build", action="store_true", help="build the world first (~1 min)")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="in-process requests per manager")
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--port", type=int, default=5109)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    accounts = args.instance / "accounts.json"
    if args.build or not accounts.exists():
        args.instance.mkdir(parents=True, exist_ok=True)
        build(args.database_url, args.instance, accounts, args.organisations)
    managers = json.loads(accounts.read_text())["accounts"]["managers"]
    in_process(args.database_url, args.instance, managers, args.rounds)
    if args.http:
        http_run(args, managers, args.instance)


if __name__ == "__main__":
    main()
