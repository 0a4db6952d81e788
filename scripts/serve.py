"""`make serve`: the production shape on this machine, against PostgreSQL and Redis.

Checks that each service answers (and says how to start the one that does not), creates the
database when the server has none of that name, runs the migrations, then starts gunicorn (with
deploy/gunicorn.conf.py), the RQ worker and the scheduler, and stops them together on Ctrl+C (or
when one of them stops on its own).

    DATABASE_URL   default postgresql+psycopg://postgres@127.0.0.1:5432/partnership_serve
    REDIS_URL      default redis://127.0.0.1:6379/0
    SERVE_PORT     default 8000 (gunicorn binds 127.0.0.1:SERVE_PORT)

Settings production cannot run without and that nothing else provides on a developer's machine
(SECRET_KEY, PROGRAMME_IDENTITY_KEYS) are made once into instance/serve.env (mode 0600), the
local counterpart of the EnvironmentFile of deploy/systemd; the real environment wins over it.
"""

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/partnership_serve"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
PROCESSES = ("web", "worker", "scheduler")
STOP_WAIT = 35  # seconds: gunicorn's graceful timeout (30) and a little


# --- the services -------------------------------------------------------------------------------

def postgres_problem(url: str, create: bool = True) -> str | None:
    """Why the PostgreSQL database at ``url`` cannot be used (None when it can); creates a missing
    database when ``create`` is set and the server lets us."""
    import psycopg
    from sqlalchemy import make_url

    target = make_url(url)
    where = f"{target.host or 'localhost'}:{target.port or 5432}"
    params = {"host": target.host, "port": target.port, "user": target.username,
              "password": target.password, "connect_timeout": 3}
    params = {key: value for key, value in params.items() if value is not None}
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                        (target.database,)).fetchone()
            if exists:
                return None
            if not create:
                return (f"PostgreSQL at {where} has no database {target.database!r}. "
                        f"Create it: createdb -h {target.host or 'localhost'} "
                        f"-U {target.username or 'postgres'} {target.database}")
            connection.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(
                psycopg.sql.Identifier(target.database)))
            print(f"serve: created the database {target.database!r} at {where}")
            return None
    except psycopg.OperationalError as error:
        reason = first_line(error)
        return (f"PostgreSQL does not answer at {where}: {reason}\n"
                f"  Start it (Debian: sudo service postgresql start, or pg_ctlcluster <version> "
                f"main start), or point DATABASE_URL at a running server.")
    except psycopg.Error as error:
        return (f"PostgreSQL at {where} refused to create the database "
                f"{target.database!r}: {first_line(error)}\n"
                f"  Create it as a superuser (createdb {target.database}) or set DATABASE_URL.")


def redis_problem(url: str) -> str | None:
    """Why Redis at ``url`` cannot be used (None when it answers)."""
    from redis import Redis
    from redis.exceptions import RedisError

    parts = urlsplit(url)
    where = f"{parts.hostname or 'localhost'}:{parts.port or 6379}"
    try:
        Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except (RedisError, OSError) as error:
        return (f"Redis does not answer at {where}: {first_line(error)}\n"
                f"  Start it (Debian: sudo service redis-server start, or redis-server "
                f"--daemonize yes), or point REDIS_URL at a running server.")
    return None


def port_problem(port: int) -> str | None:
    """Why gunicorn could not listen on 127.0.0.1:``port`` (None when it can)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            return (f"Port {port} on 127.0.0.1 is taken ({error.strerror}): stop what listens "
                    f"there, or choose another: make serve SERVE_PORT=8001")
    return None


def database_kind_problem(url: str) -> str | None:
    """``make serve`` is the production shape: PostgreSQL, not the SQLite file of ``make run``."""
    if not url.startswith(("postgresql", "postgres:")):
        return (f"DATABASE_URL must name a PostgreSQL database here, not {url.split(':')[0]!r}: "
                f"`make run` is the SQLite way.")
    return None


def check_services(database_url: str, redis_url: str, port: int | None,
                   create: bool = True) -> list[str]:
    """Everything that stops the production shape from starting, each with how to fix it."""
    problems = [database_kind_problem(database_url)]
    if problems[0] is None:
        problems.append(postgres_problem(database_url, create))
    problems.append(redis_problem(redis_url))
    if port is not None:
        problems.append(port_problem(port))
    return [problem for problem in problems if problem]


def first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


# --- the environment --------------------------------------------------------------------------

def local_settings(path: Path) -> dict[str, str]:
    """SECRET_KEY and PROGRAMME_IDENTITY_KEYS for this machine, made on first use."""
    values = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, sep, value = line.partition("=")
            if sep and not name.startswith("#"):
                values[name.strip()] = value.strip()
    missing = {}
    if "SECRET_KEY" not in values:
        missing["SECRET_KEY"] = secrets.token_urlsafe(48)
    if "PROGRAMME_IDENTITY_KEYS" not in values:
        from cryptography.fernet import Fernet

        missing["PROGRAMME_IDENTITY_KEYS"] = Fernet.generate_key().decode()
    if missing:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a") as out:
            if not values:
                out.write("# make serve's local secrets (not for a real server)\n")
            for name, value in missing.items():
                out.write(f"{name}={value}\n")
        values.update(missing)
    return values


def environment(port: int, database_url: str, redis_url: str) -> dict[str, str]:
    """The processes' environment: production settings for a local run."""
    env = {
        "PARTNERSHIP_ENV": "production",
        "PUBLIC_BASE_URL": f"http://localhost:{port}",
        **local_settings(ROOT / "instance" / "serve.env"),
        **os.environ,
    }
    env.update(DATABASE_URL=database_url, REDIS_URL=redis_url,
               GUNICORN_BIND=f"127.0.0.1:{port}")
    env.setdefault("GUNICORN_WORKERS", "2")
    return env


def commands(port: int) -> dict[str, list[str]]:
    flask = [str(BIN / "flask"), "--app", "partnership"]
    return {
        "web": [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                "partnership:create_app()"],
        "worker": [*flask, "worker"],
        "scheduler": [*flask, "scheduler"],
    }


# --- running them together --------------------------------------------------------------------

def run_together(named: dict[str, list[str]], env: dict[str, str]) -> int:
    """Start every command, wait until Ctrl+C, SIGTERM or one of them stops; stop the others
    (SIGTERM: each finishes what it is doing), and answer the exit status."""
    stopping = []

    def stop(_signum, _frame):
        stopping.append(True)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    running = {}
    for name, argv in named.items():
        # A session of its own: the terminal's Ctrl+C reaches this script only, which then
        # stops each process in order instead of all of them at once.
        running[name] = subprocess.Popen(argv, env=env, cwd=ROOT,  # noqa: S603
                                         start_new_session=True)
        print(f"serve: {name} started (pid {running[name].pid}): {' '.join(argv[1:])}")
    status = 0
    while not stopping:
        ended = {name: p.returncode for name, p in running.items() if p.poll() is not None}
        if ended:
            for name, code in ended.items():
                print(f"serve: {name} stopped on its own (exit {code}); stopping the others",
                      file=sys.stderr)
            status = 1
            break
        time.sleep(0.5)
    else:
        print("\nserve: stopping " + ", ".join(running))
    for process in running.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT
    for name, process in running.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"serve: {name} did not stop in {STOP_WAIT} s; killed", file=sys.stderr)
            process.kill()
            process.wait()
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("SERVE_PORT") or 8000))
    parser.add_argument("--only", default=",".join(PROCESSES),
                        help="comma-separated: which of web, worker, scheduler to run "
                             "(default all three)")
    parser.add_argument("--check", action="store_true",
                        help="check the services and stop (exit 1 if one is missing)")
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(only) - set(PROCESSES)
    if unknown or not only:
        parser.error(f"--only takes some of {', '.join(PROCESSES)}")

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    problems = check_services(database_url, redis_url, args.port if "web" in only else None,
                              create=not args.check)
    if problems:
        print("make serve cannot start:", file=sys.stderr)
        for problem in problems:
            print(f"- {problem}", file=sys.stderr)
        return 1
    if args.check:
        print("serve: PostgreSQL, Redis and the port are ready")
        return 0

    env = environment(args.port, database_url, redis_url)
    flask = [str(BIN / "flask"), "--app", "partnership"]
    migrated = subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT)  # noqa: S603
    if migrated.returncode:
        print("serve: the migrations failed (above); nothing started", file=sys.stderr)
        return migrated.returncode
    print(f"serve: http://localhost:{args.port}  (Ctrl+C stops {', '.join(only)})")
    named = {name: argv for name, argv in commands(args.port).items() if name in only}
    return run_together(named, env)


if __name__ == "__main__":
    sys.exit(main())
