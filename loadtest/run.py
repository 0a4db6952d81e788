"""Two app hosts over one PostgreSQL and one Redis, simulated people on both, then a count of
every acknowledged write in the database. Loopback only, bounded in time.

    .venv/bin/python -m loadtest.run --build                 # build the world, then 3 minutes
    .venv/bin/python -m loadtest.run --users 20 --seconds 30 --fault kill-worker   # short version

What it does:
1. With ``--build`` (or without an accounts file), builds the world (``loadtest/world.py``).
2. Starts ``--hosts`` gunicorn instances (``deploy/gunicorn.conf.py``, production settings, ports
   8201, 8202, ...), one RQ worker and the scheduler, sharing the database, Redis and the
   identity keys; their e-mails go to an SMTP server of the run's own (``loadtest/mailbox.py``).
3. Runs locust headless (``loadtest/locustfile.py``): every request of every simulated person
   goes to a host chosen at random, so one person's session, rate limits and files cross hosts.
4. Optionally injects a fault half-way (``loadtest/faults.py``): ``kill-worker``,
   ``redis-stop``, ``postgres-restart`` or ``kill-rq-worker``.
5. Prints requests, failures and latency percentiles per page, then looks up every write the
   simulated people saw acknowledged, waits for the job queue to drain, counts the events
   left undispatched and checks that every e-mail queued during the run arrived exactly once;
   exits non-zero on any failure, missing write, lost job, event or e-mail, or a duplicate. While
   PostgreSQL restarts, a 503 with ``Retry-After`` is the designed answer: counted apart.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TMP = Path(tempfile.gettempdir())
SENDER = "no-reply@partnerships.example.org"
sys.path.insert(0, str(ROOT))

from loadtest.faults import OwnRedis, drained, failed_jobs, inject, stop, wait_for_port  # noqa: E402
from loadtest.mailbox import Mailbox  # noqa: E402


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
            **mail_environment(getattr(args, "smtp_port", None)),
            "GUNICORN_WORKERS": str(args.workers), "PYTHONPATH": str(ROOT)}


def mail_environment(smtp_port: int | None) -> dict:
    """E-mails go to the run's own SMTP server (loadtest/mailbox.py), which counts them; with
    no port (loadtest/two_hosts.py) there is no server and they stay in the outbox."""
    if smtp_port is None:
        return {"MAIL_SERVER": ""}
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port), "MAIL_USE_TLS": "0",
            "MAIL_DEFAULT_SENDER": SENDER}


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


def start_worker(args, environment: dict, number: int = 1) -> subprocess.Popen:
    log = open(args.logs / f"worker{number}.log", "w")  # noqa: SIM115
    # niced as deploy/systemd/partnership-worker.service runs it (Nice=10): on a host that also
    # serves pages, recomputations yield the CPU to the people waiting for a page
    process = subprocess.Popen(  # noqa: S603
        [str(BIN / "flask"), "--app", "partnership", "worker"], cwd=ROOT, env=environment,
        stdout=log, stderr=subprocess.STDOUT)
    os.setpriority(os.PRIO_PROCESS, process.pid, args.worker_nice)
    return process


def start_scheduler(args, environment: dict) -> subprocess.Popen:
    """The scheduler, as production runs it: its ``send-emails`` every minute sends e-mails
    alongside the hosts' own sending after their requests (each e-mail goes out once)."""
    log = open(args.logs / "scheduler.log", "w")  # noqa: SIM115
    return subprocess.Popen(  # noqa: S603
        [str(BIN / "flask"), "--app", "partnership", "scheduler"], cwd=ROOT, env=environment,
        stdout=log, stderr=subprocess.STDOUT)


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


def report(stats_prefix: Path) -> tuple[int, int, int, int]:
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
    dropped = told_to_retry = 0  # connections cut by a killed worker; 503 + Retry-After
    if failures_file.exists():
        for row in csv.DictReader(open(failures_file)):  # noqa: SIM115
            print(f"  failure: {row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}")
            if "connection dropped" in row["Error"]:
                dropped += int(row["Occurrences"])
            elif "retry hint" in row["Error"]:
                told_to_retry += int(row["Occurrences"])
    return total, failures, dropped, told_to_retry


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
    parser.add_argument("--smtp-port", type=int, default=8025,
                        help="the loopback SMTP server that receives the run's e-mails")
    parser.add_argument("--worker-nice", type=int, default=10,
                        help="niceness of the RQ worker (the systemd unit's Nice=10)")
    parser.add_argument("--fault", choices=["none", "kill-worker", "redis-stop",
                                            "postgres-restart", "kill-rq-worker"],
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
    failed_before = failed_jobs(args.redis)
    mailbox = Mailbox(args.smtp_port).__enter__()
    since = datetime.now(UTC)
    try:
        verified = load_and_verify(args, environment, own_redis, failed_before, mailbox, since)
    finally:
        mailbox.__exit__()
    if not verified:
        raise SystemExit(1)


def load_and_verify(args, environment, own_redis, failed_before, mailbox, since) -> bool:
    hosts = start_hosts(args, environment)
    workers = [start_worker(args, environment)]
    scheduler = start_scheduler(args, environment)
    notes: list[str] = []
    context = {"hosts": hosts, "redis": own_redis, "redis_url": args.redis, "workers": workers,
               "ports": [args.first_port + n for n in range(args.hosts)],
               "start_worker": lambda: start_worker(args, environment, len(workers) + 1)}
    if args.fault != "none":
        threading.Thread(target=inject, args=(args.fault, context, args.seconds / 2, notes),
                         daemon=True).start()
    stats_prefix = args.logs / "stats"
    try:
        started = time.monotonic()
        run_locust(args, stats_prefix)
        elapsed = time.monotonic() - started
        # What the simulated people's changes queued must finish, a killed job included.
        queue_drained, waited, failed_after = drained(args.redis, 420)
        failed = failed_after - failed_before
    finally:
        for process in [*hosts, *workers, scheduler]:
            stop(process)
        if own_redis is not None:
            own_redis.stop()
    print(f"{args.hosts} hosts x {args.workers} workers, {args.users} simulated people, "
          f"{elapsed:.0f} s; logs in {args.logs}")
    for note in notes:
        print(note)
    print(f"job queue: {'drained' if queue_drained else 'NOT drained'} {waited:.0f} s after "
          f"the load; failed jobs: {failed}")
    total, failures, dropped, told_to_retry = report(stats_prefix)

    from loadtest.verify import mail_delivery, missing_writes, undispatched
    from partnership import create_app

    app = create_app({"ENV_NAME": "development", "SECRET_KEY": "verify",
                      "SQLALCHEMY_DATABASE_URI": environment["DATABASE_URL"]
                      .replace("postgresql://", "postgresql+psycopg://", 1),
                      "INSTANCE_PATH": str(args.instance), "MAIL_SERVER": "127.0.0.1",
                      "MAIL_PORT": args.smtp_port, "MAIL_USE_TLS": False,
                      "MAIL_DEFAULT_SENDER": SENDER})
    counts, missing = missing_writes(app, args.logs / "acks.jsonl")
    pending, left = undispatched(app)
    print(f"outbox events left undispatched: {pending}; after the scheduler's re-dispatch: "
          f"{left}")
    mails = mail_delivery(app, mailbox, since)
    print(f"e-mails queued during the run: {mails['queued']}; received once each: "
          f"{mails['received'] - mails['duplicates']}; duplicates: {mails['duplicates']}; "
          f"sent but not received: {mails['missing']}; unsent after send-emails: "
          f"{mails['unsent']}")
    print("acknowledged writes: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                                     or "none") + f"; missing from the database: {len(missing)}")
    for ack in missing[:20]:
        print(f"  missing: {ack}")
    # A killed worker drops the requests it was answering (behind nginx they are 502s): at most
    # one per worker process that died. Any other failure, or a lost write, fails the run.
    # While PostgreSQL restarts, pages answer 503 with Retry-After: the designed answer.
    expected = dropped + (told_to_retry if args.fault == "postgres-restart" else 0)
    allowed_drops = args.workers if args.fault == "kill-worker" else 0
    return not (failures - expected or dropped > allowed_drops or missing or not total
                or not queue_drained or failed or left or mails["duplicates"]
                or mails["missing"] or mails["unsent"])


if __name__ == "__main__":
    main()
