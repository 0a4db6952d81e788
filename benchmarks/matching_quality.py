"""Matching quality on the labelled set (tests/data/matching_labelled.json): per case and kind.

Run:  .venv/bin/python -m benchmarks.matching_quality [--database-url ...] [--verbose]
Each case's world (its need, the offers weighed for it, the parties' other items for
reciprocity) is written to the database and matched by the real full run
(``services.propose_matches``: verification, expiry and withdrawal included), then removed.
Prints precision@1 (the expert's pick ranked first) and hit@3 (among the three proposals) per
kind of case and overall; ``tests/functional/test_matching_labelled.py`` requires >= 0.95 and
1.0.
"""

import argparse
import json
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import delete, select

from partnership.core.database import utcnow
from partnership.extensions import db
from partnership.matching.models import Match
from partnership.matching.services import propose_matches
from partnership.organisations import registry
from partnership.organisations.items import description_key
from partnership.organisations.models import (
    Country,
    Dimension,
    Direction,
    Form,
    Item,
    ItemStatus,
    Kind,
    Organisation,
    Status,
    Urgency,
)

SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "matching_labelled.json"


@dataclass
class Result:
    case: dict
    ranking: list[str]      # the offers' keys, best first (only those proposed)
    scores: list[float]

    @property
    def first(self) -> bool:
        return bool(self.ranking) and self.ranking[0] == self.case["expected"]

    @property
    def within_three(self) -> bool:
        return self.case["expected"] in self.ranking[:3]


def load_cases() -> list[dict]:
    return json.loads(SET.read_text("utf-8"))["cases"]


def _code(country: str, serial: int) -> str:
    if country == "UA":
        first = f"{3100000 + serial * 7:07d}"
        return first + str(registry.edrpou_check_digit(first))
    for extra in range(50):
        first = f"2105{4}{(serial * 104729 + extra) % 10**6:06d}"
        digit = registry.bin_check_digit(first)
        if digit is not None:
            return first + str(digit)
    raise AssertionError("no BIN")


def _organisation(spec: dict, serial: int) -> Organisation:
    country = Country(spec["country"])
    organisation = Organisation(
        country=country, kind=Kind(spec["kind"]), registry_code=_code(spec["country"], serial),
        name_en=f"Case organisation {serial}", name_uk=f"Організація {serial}",
        name_kk=f"Ұйым {serial}", region="ua_kyiv_city" if country == Country.UA
        else "kz_astana", city="Kyiv" if country == Country.UA else "Astana",
        languages=spec["languages"], status=Status(spec.get("status", "verified")),
        on_agreed_list=True, public_listing=True, search_key="")
    db.session.add(organisation)
    db.session.flush()
    return organisation


def _item(organisation: Organisation, direction: Direction, spec: dict, today: date) -> Item:
    description = spec.get("description") or f"{spec['area']} ({direction.value})"
    expired = spec.get("expired", False)
    item = Item(organisation_id=organisation.id, direction=direction, area=spec["area"],
                dimension=Dimension(spec.get("dimension", "professional")),
                form=Form(spec.get("form", "training")), description=description,
                description_key=description_key(description), quantity=spec.get("quantity"),
                urgency=Urgency(spec.get("urgency") or "medium")
                if direction == Direction.NEED else None,
                languages=spec.get("languages") or organisation.languages,
                splittable=bool(spec.get("splittable")),
                valid_until=today - timedelta(days=10) if expired else today + timedelta(days=200),
                status=ItemStatus(spec.get("status", "active")), created_at=utcnow())
    db.session.add(item)
    return item


def evaluate(case: dict, today: date | None = None) -> Result:
    """Build the case's world, run the full matching, read the need's proposals, clean up."""
    today = today or date.today()
    serial = 0

    def next_serial() -> int:
        nonlocal serial
        serial += 1
        return serial

    spec = case["need"]
    needing = _organisation(spec["party"], next_serial())
    need = _item(needing, Direction.NEED, spec, today)
    for extra in spec.get("party_offers", ()):
        _item(needing, Direction.OFFER, {**extra, "description": f"{extra['area']} offer"},
              today)
    offers = {}
    for key, offer_spec in case["offers"].items():
        offering = _organisation(offer_spec["party"], next_serial())
        offers[key] = _item(offering, Direction.OFFER, offer_spec, today)
        for extra in offer_spec.get("party_needs", ()):
            _item(offering, Direction.NEED, {**extra, "description": f"{extra['area']} need"},
                  today)
    db.session.flush()
    propose_matches(today=today)
    keys = {item.id: key for key, item in offers.items()}
    rows = db.session.execute(select(Match.offer_id, Match.score).where(
        Match.need_id == need.id).order_by(Match.score.desc(), Match.offer_id)).all()
    result = Result(case, [keys[r.offer_id] for r in rows if r.offer_id in keys],
                    [r.score for r in rows if r.offer_id in keys])
    for model in (Match, Item, Organisation):
        db.session.execute(delete(model))
    db.session.flush()
    return result


def summary(results: list[Result]) -> dict[str, tuple[int, float, float]]:
    """Per kind of case and overall: (cases, precision@1, hit@3)."""
    groups: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        groups[result.case["case"]].append(result)
        groups["all"].append(result)
    return {kind: (len(group), sum(r.first for r in group) / len(group),
                   sum(r.within_three for r in group) / len(group))
            for kind, group in groups.items()}


def old_rules() -> None:
    """The scoring rules before issue 14: reciprocity 0.15 through any related area, no hard
    limits for language or capacity (the text folding and the concepts stay new)."""
    from partnership.matching import rules

    rules.WEIGHTS.clear()
    rules.WEIGHTS.update({"area": 0.30, "form": 0.15, "reciprocity": 0.15, "language": 0.10,
                          "text": 0.10, "dimension": 0.05, "capacity": 0.05, "urgency": 0.05,
                          "kind": 0.05})
    rules.RECIPROCITY_RELATED = 1.0
    rules.NO_LANGUAGE_LIMIT = rules.CAPACITY_SHORT_LIMIT = 1.0
    rules.CAPACITY_SHORT_PENALTY = 0.0


def main() -> None:
    from flask_migrate import upgrade

    from benchmarks.directory import build_app

    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--old-rules", action="store_true",
                        help="score with the rules before issue 14 (an ablation)")
    args = parser.parse_args()
    if args.old_rules:
        old_rules()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(args.database_url, Path(folder))
        with app.app_context():
            upgrade()
            results = [evaluate(case) for case in load_cases()]
            db.session.rollback()
    for result in results:
        if args.verbose or not result.first:
            mark = "ok  " if result.first else "MISS"
            ranked = ", ".join(f"{k} {s:.3f}" for k, s in zip(result.ranking, result.scores,
                                                             strict=True))
            print(f"{mark} {result.case['id']:<22} {result.case['language']}  expected "
                  f"{result.case['expected']:<18} ranked: {ranked or 'nothing'}")
    print(f"{'kind':<20} {'cases':>5} {'p@1':>6} {'hit@3':>6}")
    for kind, (count, p1, h3) in sorted(summary(results).items(), key=lambda x: x[0] == "all"):
        print(f"{kind:<20} {count:>5} {p1:>6.3f} {h3:>6.3f}")


if __name__ == "__main__":
    main()
