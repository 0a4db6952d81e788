"""Two app hosts share everything a person's visit needs: checked request by request.

    .venv/bin/python -m loadtest.two_hosts       # after loadtest.world (or loadtest.run --build)

Starts two gunicorn hosts over the world's PostgreSQL and Redis with production settings and
the default sign-in limit, then checks, printing one line per check:
- a session made on host 1 works on host 2, and signing out on host 2 ends it on host 1;
- the sign-in rate limit counts attempts made on both hosts together;
- a form loaded from one host is accepted by the other (the CSRF token is not host-bound).
Exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import requests

from loadtest.forms import form_with
from loadtest.run import ROOT, TMP, server_environment, start_hosts, stop

PROXY = {"X-Forwarded-Proto": "https", "Accept-Language": "en"}


class Browser:
    """A person's browser behind the TLS proxy, talking to whichever host it is given."""

    def __init__(self, client_address: str):
        self.session = requests.Session()
        self.headers = {**PROXY, "X-Forwarded-For": client_address}

    def _prepare(self, host: str, path: str) -> tuple[str, dict]:
        for cookie in self.session.cookies:
            cookie.secure = False  # see loadtest/locustfile.py: the proxy terminates TLS
        return host + path, {**self.headers, "Referer": host.replace("http:", "https:") + path}

    def get(self, host: str, path: str, **kwargs) -> requests.Response:
        url, headers = self._prepare(host, path)
        return self.session.get(url, headers=headers, timeout=30, **kwargs)

    def post(self, host: str, path: str, data, **kwargs) -> requests.Response:
        url, headers = self._prepare(host, path)
        return self.session.post(url, data=data, headers=headers, timeout=30,
                                 allow_redirects=False, **kwargs)

    def sign_in(self, host: str, email: str, password: str) -> requests.Response:
        form = form_with(self.get(host, "/login").text, "password")
        return self.post(host, "/login", form.values(email=email, password=password))


def check(results: list[tuple[bool, str]], ok: bool, text: str) -> None:
    results.append((ok, text))
    print(f"{'ok  ' if ok else 'FAIL'} {text}")


def run_checks(hosts: list[str], accounts: dict) -> list[tuple[bool, str]]:
    one, two = hosts
    results: list[tuple[bool, str]] = []
    manager = accounts["accounts"]["managers"][0]["email"]

    person = Browser("198.51.100.10")
    signed = person.sign_in(one, manager, accounts["password"])
    check(results, signed.status_code == 302, f"sign-in on host 1 answers {signed.status_code}")
    there = person.get(two, "/my-work", allow_redirects=False)
    check(results, there.status_code == 200,
          f"the session made on host 1 opens My work on host 2 ({there.status_code})")
    out_form = next(f for f in _forms(there.text) if f.action.endswith("/logout"))
    person.post(two, "/logout", out_form.values())
    back = person.get(one, "/my-work", allow_redirects=False)
    check(results, back.status_code == 302 and "/login" in back.headers.get("Location", ""),
          f"signing out on host 2 ends the session on host 1 ({back.status_code})")

    crossing = Browser("198.51.100.11")
    form = form_with(crossing.get(one, "/login").text, "password")
    answer = crossing.post(two, "/login", form.values(email=manager,
                                                       password=accounts["password"]))
    check(results, answer.status_code == 302,
          f"a form loaded from host 1 is accepted by host 2 ({answer.status_code})")

    guesser = Browser("203.0.113.77")
    form = form_with(guesser.get(one, "/login").text, "password")
    statuses = []
    for attempt in range(30):
        host = (one, two)[attempt % 2]
        reply = guesser.post(host, "/login", form.values(email="nobody@load.test",
                                                          password=f"wrong {attempt}"))
        statuses.append(reply.status_code)
        if reply.status_code == 429:
            break
    allowed = statuses.index(429) if 429 in statuses else None
    check(results, allowed == 20,
          f"the sign-in limit (20 per 10 minutes) counts both hosts: attempt "
          f"{'none' if allowed is None else allowed + 1} of alternating hosts got 429")
    return results


def _forms(html: str):
    from loadtest.forms import forms

    return forms(html)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/loadtest")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--instance", type=Path, default=TMP / "loadtest-instance")
    parser.add_argument("--accounts", type=Path, default=ROOT / "loadtest/.accounts.json")
    parser.add_argument("--logs", type=Path, default=TMP / "loadtest-logs")
    parser.add_argument("--first-port", type=int, default=8211)
    args = parser.parse_args()
    args.hosts, args.workers = 2, 1
    args.logs.mkdir(parents=True, exist_ok=True)
    accounts = json.loads(args.accounts.read_text())
    environment = server_environment(args)
    environment.pop("RATE_LIMIT_LOGIN")  # the production default
    _forget_limits(args.redis)
    processes = start_hosts(args, environment)
    try:
        results = run_checks([f"http://127.0.0.1:{args.first_port + n}" for n in range(2)],
                             accounts)
    finally:
        for process in processes:
            stop(process)
    failed = [text for ok, text in results if not ok]
    print(f"{len(results) - len(failed)} of {len(results)} checks passed")
    if failed:
        sys.exit(1)


def _forget_limits(redis_url: str) -> None:
    """Start from no counted attempts (an earlier run's would count against this one)."""
    import redis

    if not redis_url:
        return
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter("LIMITS*"):
        client.delete(key)


if __name__ == "__main__":
    main()
