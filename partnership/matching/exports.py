"""Matches as plain records for export (JSON)."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from . import services
from .models import Match, MatchStatus


def match_records(status: str | None = None) -> list[dict]:
    """Every match (or those in ``status``) with both organisations' registry codes."""
    statement = select(Match).options(
        joinedload(Match.need_organisation), joinedload(Match.offer_organisation),
        joinedload(Match.need), joinedload(Match.offer)).order_by(Match.id)
    if status:
        statement = statement.where(Match.status == MatchStatus(status))
    return [{
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
        "explanation": _explanation(m),
        "status": str(m.status),
        "origin": str(m.origin),
        "rationale": m.rationale,
    } for m in db.session.scalars(statement)]


def _reason(reason) -> dict:
    code, details = reason
    return {"code": code, **{key: value for key, value in details}}


def _explanation(match: Match) -> dict:
    matched, missing = services.explanation(match)
    return {"matched": [_reason(r) for r in matched], "missing": [_reason(r) for r in missing]}
