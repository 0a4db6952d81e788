"""Two app hosts over one PostgreSQL and one Redis, simulated people on both, then a count of
every acknowledged write in the database. Loopback only, bounded in time.

    .venv/bin/python -m loadtest.run --build                 # build the world, then 3 minutes
    .venv/bin/python -m loadtest.run --users 20 --seconds 30 --fault kill-worker   # short version

What it does:
1. With ``--build`` (or without an accounts file), builds the world (``loadtest/world.py``).
2. Starts ``--hosts`` gunicorn instances (``deploy/gunicorn.conf.py``, production settings, ports
   8201, 8202, ...) and one RQ worker, sharing the database, Redis and the identity keys.
3. Runs locust headless (``loadtest/locustfile.py``): every request of every simulated person
   goes to a host chosen at random, so one person's session, rate limits and files cross hosts.
4. Optionally injects a fault half-way: ``--fault kill-worker`` (``kill -9`` of one gunicorn
   worker of the first host) or ``--fault redis-stop`` (the run's own Redis, port 6390, stopped
   for 30 s, then started again empty).
5. Prints requests, failures and latency percentiles per page, then looks up every write the
   simulated people saw acknowledged; exits non-zero on any failure or missing write.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TMP = Path(tempfile.gettempdir())
sys.path.insert(0, str(ROOT))


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server on port {port} stopped at start "
                             f"(exit {process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"nothing answers on port {port} after {seconds:.0f} s")


def server_environment(args) -> dict:
    keys_file = args.instance / "identity_keys"
    keys = ",".join(line.strip() for line in keys_file.read_text().splitlines() if line.strip())
    return {**os.environ, "PARTNERSHIP_ENV": "production", "SECRET_KEY": "l" * 48,
            "PUBLIC_BASE_URL": "https://partnerships.example.org", "DATABASE_URL": args.database,
            "REDIS_URL": args.redis, "PROGRAMME_IDENTITY_KEYS": keys, "TRUSTED_PROXIES": "1",
            "UPLOAD_FOLDER": str(args.instance / "uploads"),
            # Every simulated person signs in from 127.0.0.1: the per-address limit would stop
            # the 21st. The per-account lock-out still applies.
            "RATE_LIMIT_LOGIN": "10000 per minute",
            "MAIL_SERVER": "", "GUNICORN_WORKERS": str(args.workers), "PYTHONPATH": str(ROOT)}


def start_hosts(args, environment: dict) -> list[subprocess.Popen]:
    hosts = []
    for number in range(args.hosts):
        port = args.first_port + number
        log = open(args.logs / f"host{number + 1}.log", "w")  # noqa: SIM115 - closed by the OS
        process = subprocess.Popen(  # noqa: S603 - our own executable and arguments
            [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
             "partnership:create_app()"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        hosts.append(process)
    for number, process in enumerate(hosts):
        wait_for_port(args.first_port + number, process)
        warm_up(args.first_port + number, args.workers)
    return hosts


def warm_up(port: int, workers: int, seconds: float = 300) -> None:
    """A few searches on each host, so each worker has loaded its dictionaries and templates
    before the timed load (a host in production is warm long before its traffic peaks)."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    answered = 0
    while answered < 4 * workers:
        try:
            with urllib.request.urlopen(  # noqa: S310 - our own loopback server
                    f"http://127.0.0.1:{port}/organisations?q=warm", timeout=60) as response:
                response.read()
            answered += 1
        except (TimeoutError, urllib.error.URLError) as error:
            if time.monotonic() > deadline:
                message = f"the host on port {port} did not warm up in {seconds:.0f} s"
                raise SystemExit(message) from error


def start_worker(args, environment: dict) -> subprocess.Popen:
    log = open(args.logs / "worker.log", "w")  # noqa: SIM115
    return subprocess.Popen(  # noqa: S603
        [str(BIN / "flask"), "--app", "partnership", "worker"], cwd=ROOT, env=environment,
        stdout=log, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def workers_of(process: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


class OwnRedis:
    """A Redis server of the run's own (``--fault redis-stop`` stops it; nobody else uses it)."""

    def __init__(self, port: int, logs: Path):
        self.port, self.logs, self.process = port, logs, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = open(self.logs / "redis.log", "a")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - Debian's redis-server
            [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(self.port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process, 20)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


def inject(fault: str, hosts: list[subprocess.Popen], delay: float, notes: list[str],
           redis: OwnRedis | None = None) -> None:
    time.sleep(delay)
    if fault == "kill-worker":
        victims = workers_of(hosts[0])
        if victims:
            os.kill(victims[0], signal.SIGKILL)
            notes.append(f"t={delay:.0f} s: kill -9 of gunicorn worker {victims[0]} on host 1")
    elif fault == "redis-stop" and redis is not None:
        redis.stop()
        notes.append(f"t={delay:.0f} s: Redis stopped for 30 s")
        time.sleep(30)
        redis.start()
        notes.append(f"t={delay + 30:.0f} s: Redis started again (empty: it keeps nothing)")


def run_locust(args, stats_prefix: Path) -> int:
    hosts = ",".join(f"http://127.0.0.1:{args.first_port + n}" for n in range(args.hosts))
    environment = {**os.environ, "LOADTEST_ACCOUNTS": str(args.accounts),
                   "LOADTEST_ACKS": str(args.logs / "acks.jsonl"), "LOADTEST_HOSTS": hosts,
                   "PYTHONPATH": str(ROOT)}
    command = [str(BIN / "locust"), "-f", str(ROOT / "loadtest/locustfile.py"), "--headless",
               "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
               "--run-time", f"{args.seconds}s", "--host", hosts.split(",")[0],
               "--csv", str(stats_prefix), "--only-summary", "--loglevel", "WARNING",
               "--exit-code-on-error", "0"]
    with open(args.logs / "locust.log", "w") as log:
        return subprocess.run(command, cwd=ROOT, env=environment, stdout=log,  # noqa: S603
                              stderr=subprocess.STDOUT, check=False).returncode


def report(stats_prefix: Path) -> tuple[int, int, int]:
    rows = list(csv.DictReader(open(f"{stats_prefix}_stats.csv")))  # noqa: SIM115
    print(f"{'page':<52} {'requests':>8} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6}  ms")
    total = failures = 0
    for row in rows:
        name = row["Name"] if row["Type"] else "all"
        print(f"{name[:52]:<52} {row['Request Count']:>8} {row['Failure Count']:>5} "
              f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}")
        if row["Name"] == "Aggregated":
            total, failures = int(row["Request Count"]), int(row["Failure Count"])
    failures_file = Path(f"{stats_prefix}_failures.csv")
    dropped = 0  # connections cut by a killed worker: the request never got an answer
    if failures_file.exists():
        for row in csv.DictReader(open(failures_file)):  # noqa: SIM115
            print(f"  failure: {row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}")
            if "connection dropped" in row["Error"]:
                dropped += int(row["Occurrences"])
    return total, failures, dropped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/loadtest")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--instance", type=Path, default=TMP / "loadtest-instance")
    parser.add_argument("--accounts", type=Path, default=ROOT / "loadtest/.accounts.json")
    parser.add_argument("--logs", type=Path, default=TMP / "loadtest-logs")
    parser.add_argument("--build", action="store_true", help="build the world first")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=2)
    parser.add_argument("--first-port", type=int, default=8201)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per host")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--fault", choices=["none", "kill-worker", "redis-stop"],
                        default="none")
    args = parser.parse_args()
    args.logs.mkdir(parents=True, exist_ok=True)

    if args.build or not args.accounts.exists():
        subprocess.run([sys.executable, "-m", "loadtest.world", "--database", args.database,  # noqa: S603
                        "--instance", str(args.instance), "--organisations",
                        str(args.organisations), "--accounts", str(args.accounts)],
                       cwd=ROOT, check=True)
    own_redis = None
    if args.fault == "redis-stop":
        own_redis = OwnRedis(6390, args.logs)
        own_redis.start()
        args.redis = own_redis.url
    environment = server_environment(args)
    hosts = start_hosts(args, environment)
    worker = start_worker(args, environment)
    notes: list[str] = []
    if args.fault != "none":
        threading.Thread(target=inject, args=(args.fault, hosts, args.seconds / 2, notes,
                                              own_redis),
                         daemon=True).start()
    stats_prefix = args.logs / "stats"
    try:
        started = time.monotonic()
        run_locust(args, stats_prefix)
        elapsed = time.monotonic() - started
    finally:
        for process in [*hosts, worker]:
            stop(process)
        if own_redis is not None:
            own_redis.stop()
    print(f"{args.hosts} hosts x {args.workers} workers, {args.users} simulated people, "
          f"{elapsed:.0f} s; logs in {args.logs}")
    for note in notes:
        print(note)
    total, failures, dropped = report(stats_prefix)

    from loadtest.verify import missing_writes
    from partnership import create_app

    app = create_app({"ENV_NAME": "development", "SECRET_KEY": "verify",
                      "SQLALCHEMY_DATABASE_URI": environment["DATABASE_URL"]
                      .replace("postgresql://", "postgresql+psycopg://", 1),
                      "INSTANCE_PATH": str(args.instance)})
    counts, missing = missing_writes(app, args.logs / "acks.jsonl")
    print("acknowledged writes: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                                     or "none") + f"; missing from the database: {len(missing)}")
    for ack in missing[:20]:
        print(f"  missing: {ack}")
    # A killed worker drops the requests it was answering (behind nginx they are 502s): at most
    # one per worker process that died. Any other failure, or a lost write, fails the run.
    allowed = args.workers if args.fault == "kill-worker" else 0
    if dropped > allowed or failures - dropped or missing or not total:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
