"""Build the load test's world in a PostgreSQL database and write its accounts to a JSON file.

    .venv/bin/python -m loadtest.world \
        --database postgresql+psycopg://postgres@127.0.0.1:5432/loadtest \
        --instance /tmp/loadtest-instance --organisations 10000 --accounts loadtest/.accounts.json

The database is emptied first. The world: the hand-written demo (its users, partnership,
memorandum and programme), ``--organisations`` generated verified organisations with ten items
each and their proposals, and accounts for the simulated users, one per simulated person so no
two share a second-factor code or an edit:

- managers of generated organisations (each sees its proposals and adds needs);
- officers with a two-step secret, each with pending registrations of its own to decide;
- memorandum editors: pairs of managers, each pair with a partnership and a draft memorandum;
- programme coordinators (two-step) who open the children's cases by code.

Every account's password is the same test passphrase; the file holds the two-step secrets. It is
test data for a loopback run, never for a server anyone else reaches.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from partnership import create_app  # noqa: E402
from partnership.core.roles import Role  # noqa: E402
from partnership.extensions import db  # noqa: E402

PASSWORD = "load test passphrase, loopback only"  # noqa: S105 - test accounts on loopback


def empty_database(url: str) -> None:
    """Create the database when missing, else drop everything in it."""
    from sqlalchemy.engine import make_url

    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": target.database}):
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def build(args) -> dict:
    import pyotp
    from flask_migrate import upgrade

    from partnership.auth.passwords import hash_password
    from partnership.demo import seed_demo_partnership, seed_demo_users
    from partnership.matching.services import propose_matches
    from partnership.memoranda.demo import seed_demo_memoranda
    from partnership.organisations import demo
    from partnership.organisations.models import Organisation, Status
    from partnership.programme.demo import seed_demo_programme
    from tests.factories import OrganisationFactory, UserFactory
    from tests.factories_memoranda import World

    timings = {}
    started = time.perf_counter()
    upgrade(directory=str(ROOT / "migrations"))
    organisations = demo.load_hand_written()
    seed_demo_users(args.totp_roles, organisations)
    seed_demo_partnership()
    seed_demo_programme()
    seed_demo_memoranda()
    db.session.commit()
    timings["demo"] = time.perf_counter() - started

    password_hash = hash_password(PASSWORD)
    accounts: dict[str, list[dict]] = {"managers": [], "officers": [], "editors": [],
                                       "coordinators": []}

    started = time.perf_counter()
    for number in range(args.editor_pairs):
        world = World(reference=f"UA-KZ-2026-{9000 + number:04d}")
        for manager in (world.ua_manager, world.kz_manager, world.officer, world.ua_member,
                        world.stranger):
            if manager is not None:
                manager.password_hash = password_hash
        memorandum = world.memorandum()
        for manager in (world.ua_manager, world.kz_manager):
            accounts["editors"].append({"email": manager.email, "memorandum_id": memorandum.id})
    db.session.commit()

    for number in range(args.officers):
        secret = pyotp.random_base32()
        officer = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret,
                              email=f"officer.{number}@load.test", password_hash=password_hash)
        pending = [OrganisationFactory(status=Status.PENDING, public_listing=False,
                                       name_en=f"Pending hospital {number}-{n}").id
                   for n in range(args.pending_per_officer)]
        accounts["officers"].append({"email": officer.email, "totp": secret, "pending": pending})

    for number in range(args.coordinators):
        secret = pyotp.random_base32()
        coordinator = UserFactory(role=Role.PROGRAMME_COORDINATOR, totp_secret=secret,
                                  email=f"coordinator.{number}@load.test",
                                  password_hash=password_hash)
        accounts["coordinators"].append({"email": coordinator.email, "totp": secret})
    db.session.commit()
    timings["accounts"] = time.perf_counter() - started

    started = time.perf_counter()
    demo.generate(args.organisations, seed=42)
    db.session.commit()
    timings["organisations"] = time.perf_counter() - started

    started = time.perf_counter()
    propose_matches()
    db.session.commit()
    timings["proposals"] = time.perf_counter() - started

    generated = db.session.scalars(
        select(Organisation.id).where(Organisation.description.like("%generated for load tests%"))
        .order_by(Organisation.id).limit(args.managers)).all()
    for number, organisation_id in enumerate(generated):
        manager = UserFactory(role=Role.ORG_MANAGER, organisation_id=organisation_id,
                              email=f"manager.{number}@load.test", password_hash=password_hash)
        accounts["managers"].append({"email": manager.email, "organisation_id": organisation_id})
    db.session.commit()
    return {"password": PASSWORD, "accounts": accounts, "timings": timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a PostgreSQL URL (emptied first)")
    parser.add_argument("--instance", type=Path, required=True,
                        help="the instance folder the servers will use (identity keys)")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--accounts", type=Path, default=ROOT / "loadtest/.accounts.json")
    parser.add_argument("--managers", type=int, default=40)
    parser.add_argument("--officers", type=int, default=12)
    parser.add_argument("--pending-per-officer", type=int, default=40)
    parser.add_argument("--editor-pairs", type=int, default=12)
    parser.add_argument("--coordinators", type=int, default=8)
    args = parser.parse_args()
    if not args.database.startswith("postgresql"):
        raise SystemExit("The load test runs on PostgreSQL, the production database.")
    empty_database(args.database)
    args.instance.mkdir(parents=True, exist_ok=True)
    app = create_app({"ENV_NAME": "development", "SECRET_KEY": "load-test-world",
                      "SQLALCHEMY_DATABASE_URI": args.database,
                      "INSTANCE_PATH": str(args.instance.resolve())})
    with app.app_context():
        args.totp_roles = app.config["TOTP_REQUIRED_ROLES"]
        world = build(args)
        # Production's autovacuum analyses a bulk-loaded table within a minute or so; this
        # machine's server runs with autovacuum off, and without statistics the planner took
        # a proposals page's 330 items from a parallel scan of all 100,000 (17 ms, both cores).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            started = time.perf_counter()
            connection.execute(text("VACUUM ANALYZE"))
            world["timings"]["analyse"] = time.perf_counter() - started
    args.accounts.write_text(json.dumps(world, indent=1))
    args.accounts.chmod(0o600)
    counts = {role: len(rows) for role, rows in world["accounts"].items()}
    print(f"world built: {args.organisations} generated organisations; accounts {counts}; "
          + ", ".join(f"{k} {v:.1f} s" for k, v in world["timings"].items()))
    print(f"accounts written to {args.accounts}")


if __name__ == "__main__":
    main()
