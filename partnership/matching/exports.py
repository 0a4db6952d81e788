"""Matches as plain records for export (JSON)."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from . import explaining
from .models import Match, MatchStatus

CHUNK = 500


def match_records(status: str | None = None) -> list[dict]:
    """Every match (or those in ``status``) with both organisations' registry codes."""
    statement = select(Match).options(
        joinedload(Match.need_organisation), joinedload(Match.offer_organisation),
        joinedload(Match.need), joinedload(Match.offer)).order_by(Match.id)
    if status:
        statement = statement.where(Match.status == MatchStatus(status))
    matches = list(db.session.scalars(statement))
    reasons = {}
    for start in range(0, len(matches), CHUNK):   # each chunk's organisations' items at once
        reasons.update(explaining.explanations(matches[start:start + CHUNK]))
    return [_record(m, *reasons[m.id]) for m in matches]


def _record(m: Match, matched: list, missing: list) -> dict:
    return {
        "id": m.id,
        "need_id": m.need_id,
        "offer_id": m.offer_id,
        "need_organisation": {"id": m.need_organisation_id,
                              "registry_code": m.need_organisation.registry_code,
                              "country": str(m.need_organisation.country),
                              "name": m.need_organisation.name("en")},
        "offer_organisation": {"id": m.offer_organisation_id,
                               "registry_code": m.offer_organisation.registry_code,
                               "country": str(m.offer_organisation.country),
                               "name": m.offer_organisation.name("en")},
        "score": m.score,
        "components": m.components,
        "explanation": {"matched": [_reason(r) for r in matched],
                        "missing": [_reason(r) for r in missing]},
        "status": str(m.status),
        "origin": str(m.origin),
        "rationale": m.rationale,
    }


def _reason(reason) -> dict:
    code, details = reason
    return {"code": code, **{key: value for key, value in details}}
