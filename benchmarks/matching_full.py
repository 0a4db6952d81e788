"""A full matching run at size: engine plus storing proposals, 10,000 organisations.

Run:  .venv/bin/python -m benchmarks.matching_full
      .venv/bin/python -m benchmarks.matching_full --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test_x14
Target (issue 14): <= 10 s for the full run at 10,000 organisations / 100,000 items, on SQLite
and on PostgreSQL. Prints the first run (every proposal inserted) split into load, engine and
store, and a second run (every proposal already stored: compared, nothing written). The
lexicon's dictionaries are loaded before the clock starts, as a worker does at its start
(``lexicon.warm``); the descriptions' stems and concepts are not (a cold engine).

Same proposals before and after a change of speed: ``--dump FILE`` writes every stored proposal
(pair, parties, score, components as stored, status, origin, texts, whether its versions are
its items' ``updated_at``), one per line, sorted; run it on both commits at a mid size and
compare, e.g. ``--organisations 1000 --dump /tmp/after.txt`` then ``cmp``.
"""

import argparse
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select, text

from benchmarks.directory import build_app
from partnership import lexicon
from partnership.extensions import db
from partnership.matching import engine, services
from partnership.matching.models import Match
from partnership.matching.text import forget_stems
from partnership.organisations import demo
from partnership.organisations.models import Item
from partnership.organisations.taxonomy import related_areas


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--dump", help="write the stored proposals to this file")
    args = parser.parse_args()
    start = time.perf_counter()
    lexicon.warm()
    print(f"lexicon loaded (once per process, before the clock): "
          f"{time.perf_counter() - start:.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(args.database_url, Path(folder))
        with app.app_context():
            upgrade()
            demo.generate(args.organisations, seed=42)
            db.session.commit()
            items = db.session.scalar(select(func.count(Item.id)))
            print(f"database: {db.engine.dialect.name}; {args.organisations} organisations, "
                  f"{items} items")
            # Where the time goes, measured apart (the same steps as propose_matches).
            forget_stems()
            start = time.perf_counter()
            parties, entries, _, _ = services.load_world(date.today())
            loaded = time.perf_counter()
            settings = engine.Settings(agreed_list_gate=services.agreed_list_gate())
            candidates = engine.propose(parties, entries, _related(), settings)
            scored = time.perf_counter()
            db.session.rollback()
            print(f"  load {loaded - start:.2f} s, engine {scored - loaded:.2f} s "
                  f"({len(candidates)} proposals)")
            forget_stems()
            for label in ("full run, first (stores every proposal)",
                          "full run, second (all stored already)"):
                start = time.perf_counter()
                summary = services.propose_matches()
                db.session.commit()
                print(f"{label}: {time.perf_counter() - start:.2f} s; {summary}")
            print(f"matches stored: {db.session.scalar(select(func.count(Match.id)))}; peak RSS "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
            if args.dump:
                dump(Path(args.dump))


def dump(path: Path) -> None:
    """Every stored proposal as a line of text, independent of the run's clock."""
    rows = db.session.execute(text(
        "SELECT need_id, offer_id, need_organisation_id, offer_organisation_id, score,"
        " CAST(components AS TEXT), status, origin, rationale, status_reason,"
        " need_version = (SELECT updated_at FROM item WHERE item.id = need_id),"
        " offer_version = (SELECT updated_at FROM item WHERE item.id = offer_id),"
        " partnership_id, created_at = updated_at FROM match ORDER BY need_id, offer_id"))
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(f"{tuple(row)}\n")
    print(f"stored proposals written to {path}")


def _related():
    from partnership.organisations.taxonomy import areas

    return {code: related_areas(code) for code in areas()}


if __name__ == "__main__":
    main()
