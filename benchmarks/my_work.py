""""My work" speed with 10,000 organisations, 100,000 offers and needs and 20,000 proposals,
in-process (Flask test client), for an organisation manager, an embassy officer, a programme
coordinator (and centre staff, an administrator).

Run:  .venv/bin/python benchmarks/my_work.py                      (SQLite in a temp folder)
      .venv/bin/python benchmarks/my_work.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
The PostgreSQL database is emptied first. Prints p50/p95 per role and the SQL per page.
"""

import argparse
import random
import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pyotp
from flask_migrate import upgrade
from sqlalchemy import event, insert, select, text

from benchmarks.directory import build_app, report, timed
from partnership.auth.models import User
from partnership.auth.passwords import hash_password
from partnership.core.database import utcnow
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching.models import Match, MatchStatus
from partnership.organisations import demo
from partnership.organisations.models import (
    Country,
    Direction,
    ImportJob,
    ImportKind,
    ImportStatus,
    Item,
    Organisation,
    Status,
)
from partnership.partnerships.models import Partnership
from partnership.programme.models import Centre, ChildCase, FollowUp, Group, Placement

PASSWORD = "benchmark password 2026"  # noqa: S105 - a generated test account
STATUSES = [MatchStatus.PROPOSED] * 6 + [MatchStatus.INTEREST_NEED, MatchStatus.INTEREST_OFFER,
                                         MatchStatus.MUTUALLY_ACCEPTED, MatchStatus.DECLINED]


def seed(rng: random.Random, organisations: int, proposals: int) -> dict:
    demo.generate(organisations, seed=42)
    db.session.commit()
    now = utcnow()
    rows = db.session.execute(select(Item.id, Item.organisation_id, Item.direction,
                                     Organisation.country, Item.updated_at)
                              .join(Organisation)).all()
    needs = {Country.UA: [], Country.KZ: []}
    offers = {Country.UA: [], Country.KZ: []}
    for row in rows:
        (needs if row.direction == Direction.NEED else offers)[row.country].append(row)
    # One busy Ukrainian organisation (the manager's) takes part in 300 proposals.
    busy = needs[Country.UA][0].organisation_id
    busy_needs = [r for r in needs[Country.UA] if r.organisation_id == busy]
    pairs, matches = set(), []
    while len(matches) < proposals:
        if len(matches) < 300:
            need, offer = rng.choice(busy_needs), rng.choice(offers[Country.KZ])
        else:
            side = rng.choice([Country.UA, Country.KZ])
            other = Country.KZ if side == Country.UA else Country.UA
            need, offer = rng.choice(needs[side]), rng.choice(offers[other])
        if (need.id, offer.id) in pairs:
            continue
        pairs.add((need.id, offer.id))
        at = now - timedelta(hours=rng.randrange(1, 24 * 90))
        matches.append({"need_id": need.id, "offer_id": offer.id,
                        "need_organisation_id": need.organisation_id,
                        "offer_organisation_id": offer.organisation_id,
                        "score": round(rng.uniform(0.4, 1.0), 3), "components": {},
                        "status": rng.choice(STATUSES), "origin": "engine", "rationale": "",
                        "status_reason": "", "need_version": need.updated_at,
                        "offer_version": offer.updated_at, "created_at": at, "updated_at": at})
    db.session.execute(insert(Match), matches)
    # Some organisations wait for verification; some imports failed.
    pending = db.session.scalars(select(Organisation.id).order_by(Organisation.id.desc())
                                 .limit(300)).all()
    db.session.execute(Organisation.__table__.update()
                       .where(Organisation.id.in_(pending)).values(status=Status.PENDING))
    db.session.execute(insert(ImportJob), [
        {"kind": ImportKind.ITEMS, "filename": f"f{n}.csv", "dry_run": False, "language": "en",
         "status": ImportStatus.FAILED if n % 5 == 0 else ImportStatus.SUCCEEDED, "errors": [],
         "rows_total": 0, "rows_checked": 0, "created_count": 0, "updated_count": 0,
         "unchanged_count": 0, "created_at": now - timedelta(days=n % 60)} for n in range(200)])
    # 2,000 partnerships, some quiet for months.
    ua_ids = [o for o in {r.organisation_id for r in needs[Country.UA]}][:2000]
    kz_ids = [o for o in {r.organisation_id for r in needs[Country.KZ]}][:2000]
    db.session.execute(insert(Partnership), [
        {"reference": f"UA-KZ-2026-{n:05d}", "ukrainian_organisation_id": ua,
         "kazakh_organisation_id": kz, "status": "forming", "objectives": "",
         "created_at": now - timedelta(days=n % 200), "updated_at": now - timedelta(days=n % 200)}
        for n, (ua, kz) in enumerate(zip(ua_ids, kz_ids, strict=False))])
    # The programme: 20 centres, 100 groups, 5,000 cases, follow-ups, placements.
    centre_orgs = kz_ids[-20:]
    db.session.execute(insert(Centre), [{"organisation_id": o, "enrolled_at": now,
                                         "active": True} for o in centre_orgs])
    centres = db.session.scalars(select(Centre.id)).all()
    today = now.date()
    db.session.execute(insert(Group), [
        {"centre_id": centres[n % len(centres)], "name": f"Group {n}",
         "starts_on": today + timedelta(days=n % 90 - 30),
         "ends_on": today + timedelta(days=n % 90), "capacity": 50, "placed_count": 0,
         "language": "uk", "focus": "both", "accompanying_staff": "", "created_at": now}
        for n in range(100)])
    groups = db.session.scalars(select(Group.id)).all()
    states = ["referred", "registered", "assessment", "placement_matched", "in_programme",
              "completed", "consent_withdrawn"]
    db.session.execute(insert(ChildCase), [
        {"code": f"C{n:06d}", "birth_year": 2014, "sex": "female", "region": "ua_kharkiv",
         "circumstances": "parent_deceased", "representative_type": "relative", "needs": "",
         "languages": ["uk"], "has_accompanying_adult": True, "accompanying_adult_relation": "",
         "adult_name_to_review": n % 50 == 0, "state": states[n % len(states)],
         "created_at": now - timedelta(days=n % 300), "updated_at": now} for n in range(5000)])
    cases = db.session.execute(select(ChildCase.id, ChildCase.state)).all()
    db.session.execute(insert(FollowUp), [
        {"case_id": c.id, "months": 1, "due_on": today - timedelta(days=c.id % 40 - 20),
         "note": ""} for c in cases if c.state == "completed"])
    placed = [c for c in cases if c.state in ("placement_matched", "in_programme")]
    db.session.execute(insert(Placement), [
        {"case_id": c.id, "group_id": groups[c.id % len(groups)],
         "placed_at": now - timedelta(days=30)} for c in placed])
    db.session.commit()
    centre_org = db.session.scalar(select(Centre.organisation_id).where(Centre.id == centres[0]))
    return {"busy": busy, "centre_org": centre_org}


def add_user(role: Role, organisation_id: int | None = None) -> tuple[User, str | None]:
    secret = pyotp.random_base32() if role in (Role.EMBASSY_OFFICER, Role.PROGRAMME_COORDINATOR,
                                               Role.ADMIN) else None
    user = User(email=f"{role}@bench.example", full_name=str(role), role=role, active=True,
                password_hash=hash_password(PASSWORD), organisation_id=organisation_id,
                totp_secret=secret)
    db.session.add(user)
    db.session.commit()
    return user, secret


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def sign_in(app, email: str, secret: str | None):
    client = app.test_client()
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": email,
                                           "password": PASSWORD})
    if secret:
        response = client.post("/login/verify", data={"csrf_token": token,
                                                      "code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"] == "/my-work", response.headers.get("Location")
    return client


def slowest(client, engine, rounds: int = 20) -> None:
    """The statements of the page by mean time, slowest first (to see what to index)."""
    spent: dict[str, list[float]] = {}

    def before(conn, _cursor, _statement, _parameters, context, _many):
        conn.info["started"] = time.perf_counter()

    def after(conn, _cursor, statement, _parameters, context, _many):
        spent.setdefault(statement, []).append(
            (time.perf_counter() - conn.info.pop("started")) * 1000)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    for _ in range(rounds):
        client.get("/my-work")
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    for statement, times in sorted(spent.items(), key=lambda pair: -sum(pair[1]))[:4]:
        print(f"      {sum(times) / len(times):6.1f} ms  {' '.join(statement.split())[:160]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--proposals", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--slowest", action="store_true",
                        help="also print each role's slowest statements (mean ms)")
    args = parser.parse_args()
    rng = random.Random(7)  # noqa: S311 - benchmark inputs
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(args.database_url, Path(folder))
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            ids = seed(rng, args.organisations, args.proposals)
            users = {role: add_user(role, organisation)
                     for role, organisation in ((Role.ORG_MANAGER, ids["busy"]),
                                                (Role.EMBASSY_OFFICER, None),
                                                (Role.PROGRAMME_COORDINATOR, None),
                                                (Role.CENTRE_STAFF, ids["centre_org"]),
                                                (Role.ADMIN, None))}
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
            counts = {name: db.session.scalar(select(db.func.count()).select_from(model))
                      for name, model in (("organisations", Organisation), ("items", Item),
                                          ("proposals", Match))}
            print(f"database: {db.engine.dialect.name}; seeded {counts} in "
                  f"{time.perf_counter() - start:.1f} s")
            engine = db.engine
            emails = {role: (user.email, secret) for role, (user, secret) in users.items()}
        for role, (email, secret) in emails.items():
            client = sign_in(app, email, secret)
            timed(client, ["/my-work"] * 5, engine)  # warm up
            report(f"baseline (/account), {role}", *timed(client, ["/account"] * 50, engine))
            if args.slowest:
                slowest(client, engine)
            report(f"my work, {role}", *timed(client, ["/my-work"] * args.requests, engine))
            page = client.get("/my-work").get_data(as_text=True)
            shown = re.findall(r'id="work-([a-z_]+)".*?data-count="(\d+)"', page, re.S)
            print("    " + ", ".join(f"{key}={count}" for key, count in shown))


if __name__ == "__main__":
    main()
