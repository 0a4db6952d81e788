"""The faults ``loadtest/run.py`` injects half-way through the load, each on loopback and bounded
in time, and what each leaves to check afterwards.

- ``kill-worker``: ``kill -9`` of one gunicorn worker of the first host (gunicorn starts another).
- ``redis-stop``: the run's own Redis (port 6390, nobody else's) stopped for 30 s, then started
  again empty.
- ``postgres-restart``: the PostgreSQL cluster restarted (``pg_ctlcluster``; needs root, and
  cuts every other client of that server too: run it on a machine of your own).
- ``kill-rq-worker``: ``kill -9`` of the RQ worker while it runs a recomputation, and a new
  worker started; the job must be queued again and finish (``matching/jobs.py``).

After a fault, each host must answer a real page again, without a restart of the app.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

QUEUE = "partnership"


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 90) -> None:
    import socket

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


def workers_of(process: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


class OwnRedis:
    """A Redis server of the run's own (``redis-stop`` stops it; nobody else uses it)."""

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


def answers(port: int, path: str = "/organisations?q=clinic") -> int:
    """The status a host answers a real page with (0: no answer)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}",  # noqa: S310 - loopback
                                    timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (TimeoutError, urllib.error.URLError):
        return 0


def restart_postgres() -> float:
    """Restart every PostgreSQL cluster of this machine; returns the seconds it took."""
    clusters = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True,  # noqa: S607
                              text=True, check=True).stdout.split("\n")
    started = time.monotonic()
    for line in filter(None, clusters):
        version, name = line.split()[:2]
        subprocess.run(["pg_ctlcluster", version, name, "restart"], check=True)  # noqa: S603,S607
    return time.monotonic() - started


def busy_worker_job(redis_url: str) -> str | None:
    """The id of a job the RQ worker is running now, if any."""
    import redis
    from rq import Queue
    from rq.registry import StartedJobRegistry

    connection = redis.Redis.from_url(redis_url)
    ids = StartedJobRegistry(queue=Queue(QUEUE, connection=connection)).get_job_ids()
    return ids[0] if ids else None


def failed_jobs(redis_url: str) -> int:
    """How many jobs are in RQ's failed registry (kept between runs: compare before/after)."""
    import redis
    from rq import Queue
    from rq.registry import FailedJobRegistry

    return len(FailedJobRegistry(queue=Queue(QUEUE, connection=redis.Redis.from_url(redis_url))))


def drained(redis_url: str, seconds: float) -> tuple[bool, float, int]:
    """Wait until no job is queued, running or waiting for its retry: (drained, seconds
    waited, jobs in the failed registry)."""
    import redis
    from rq import Queue
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

    queue = Queue(QUEUE, connection=redis.Redis.from_url(redis_url))
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        # (reading the started registry also moves an abandoned job on to its retry)
        running = StartedJobRegistry(queue=queue).get_job_ids()
        if not queue.count and not running and not ScheduledJobRegistry(queue=queue).count:
            return True, time.monotonic() - started, len(FailedJobRegistry(queue=queue))
        time.sleep(2)
    return False, time.monotonic() - started, len(FailedJobRegistry(queue=queue))


def inject(fault: str, context: dict, delay: float, notes: list[str]) -> None:
    """Wait ``delay`` seconds, then do ``fault``; ``context``: hosts, ports, redis (OwnRedis or
    None), redis_url, workers (a list whose last entry is the running RQ worker) and
    start_worker (a callable that starts another)."""
    time.sleep(delay)
    started = time.monotonic()

    def at() -> str:
        return f"t={delay + time.monotonic() - started:.0f} s"

    if fault == "kill-worker":
        victims = workers_of(context["hosts"][0])
        if victims:
            os.kill(victims[0], signal.SIGKILL)
            notes.append(f"{at()}: kill -9 of gunicorn worker {victims[0]} on host 1")
    elif fault == "redis-stop":
        context["redis"].stop()
        notes.append(f"{at()}: Redis stopped for 30 s")
        time.sleep(30)
        context["redis"].start()
        notes.append(f"{at()}: Redis started again (empty: it keeps nothing)")
    elif fault == "postgres-restart":
        took = restart_postgres()
        notes.append(f"{at()}: PostgreSQL restarted ({took:.1f} s)")
    elif fault == "kill-rq-worker":
        _kill_rq_worker(context, notes, at)
    time.sleep(5)
    statuses = [answers(port) for port in context["ports"]]
    notes.append(f"{at()}: the hosts answer a search with {statuses} (no restart of the app)")


def _kill_rq_worker(context: dict, notes: list[str], at: Callable[[], str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = busy_worker_job(context["redis_url"])
        if job:
            worker = context["workers"][-1]
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            notes.append(f"{at()}: kill -9 of the RQ worker in the middle of job {job}")
            context["workers"].append(context["start_worker"]())
            notes.append(f"{at()}: a new RQ worker started")
            context["killed_job"] = job
            return
        time.sleep(0.05)
    notes.append(f"{at()}: the RQ worker ran no job for 60 s: nothing killed")
