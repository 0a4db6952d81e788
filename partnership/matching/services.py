"""Matching operations: propose (all or one organisation), decide on a match, curate."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, bindparam, case, cast, or_, select, update

from ..auth.models import User
from ..core.access import require_role
from ..core.audit import record
from ..core.bulk import insert_rows
from ..core.database import utcnow
from ..core.events import MatchingSettingsChanged, RecomputationRequested, emit
from ..core.roles import EMBASSY_ROLES
from ..extensions import db
from ..organisations.models import Item, ItemStatus, Organisation, Status
from ..organisations.taxonomy import areas
from . import changes, engine, workflow
from .figures import store_supply_and_demand
from .models import OPEN_STATUSES, Match, MatchingSetting, MatchStatus, Origin

GATE = "agreed_list_gate"


@dataclass
class RunSummary:
    proposals: int = 0
    created: int = 0
    updated: int = 0
    reopened: int = 0
    closed: int = 0


def related_areas() -> dict[str, frozenset[str]]:
    return {code: area.related for code, area in areas().items()}


def agreed_list_gate() -> bool:
    """Whether only organisations on the agreed list take part (the embassy's switch)."""
    value = db.session.scalar(select(MatchingSetting.value).where(MatchingSetting.key == GATE))
    return value == "on"


def set_agreed_list_gate(actor: User, on: bool) -> None:
    """Turn the agreed-list gate on or off (embassy); audited."""
    require_role(actor, *EMBASSY_ROLES)
    setting = db.session.get(MatchingSetting, GATE) or MatchingSetting(key=GATE, value="off")
    value = "on" if on else "off"
    if setting.value != value or setting not in db.session:
        setting.value, setting.updated_by_id = value, actor.id
        db.session.add(setting)
        record("matching.agreed_list_gate", actor=actor, object_type="matching_setting",
               object_id=GATE, value=value)
        emit(MatchingSettingsChanged(names=(GATE,)))


def request_recomputation(actor: User) -> None:
    """The embassy asks for fresh proposals for everyone now (audited)."""
    require_role(actor, *EMBASSY_ROLES)
    record("matching.recomputation_requested", actor=actor)
    emit(RecomputationRequested())


def as_party(organisation: Organisation) -> engine.Party:
    return engine.Party(organisation.id, str(organisation.country), str(organisation.kind),
                        frozenset(organisation.languages), organisation.on_agreed_list)


def as_entry(item: Item) -> engine.Entry:
    return engine.Entry(item.id, item.organisation_id, str(item.direction), item.area,
                        str(item.form), str(item.dimension), item.description, item.quantity,
                        str(item.urgency) if item.urgency else None, frozenset(item.languages),
                        bool(item.splittable))


def _memo(function):
    cache = {}

    def cached(key):
        if key not in cache:
            cache[key] = function(key)
        return cache[key]

    return cached


def load_world(today: date, organisation_id: int | None = None):
    """Verified organisations and their current items, as the engine's plain records.

    For one organisation, only the items in the areas its own items reach are loaded in full;
    the (organisation, direction, area) of every current item is returned as ``areas_of``."""
    parties = {
        row.id: engine.Party(row.id, str(row.country), str(row.kind), frozenset(row.languages),
                             row.on_agreed_list)
        for row in db.session.execute(select(
            Organisation.id, Organisation.country, Organisation.kind, Organisation.languages,
            Organisation.on_agreed_list).where(Organisation.status == Status.VERIFIED))}
    current = (Item.status == ItemStatus.ACTIVE, Item.valid_until >= today)
    areas_of = None
    statement = select(*ENTRY_COLUMNS).where(*current)
    if organisation_id is not None:
        areas_of = [(row.organisation_id, str(row.direction), row.area)
                    for row in db.session.execute(
                        select(Item.organisation_id, Item.direction, Item.area).where(*current))
                    if row.organisation_id in parties]
        own = {area for party, _, area in areas_of if party == organisation_id}
        reach = own | {r for area in own for r in areas()[area].related if area in areas()}
        statement = statement.where(Item.area.in_(sorted(reach)))
    entries, versions = [], {}
    for entry, updated_at in entries_of(statement, parties):
        entries.append(entry)
        versions[entry.id] = updated_at
    return parties, entries, versions, areas_of


# An item as the engine reads it, in plain columns; languages come as their JSON text (a
# handful of distinct values, each parsed once).
ENTRY_COLUMNS = (Item.id, Item.organisation_id, Item.direction, Item.area, Item.form,
                 Item.dimension, Item.description, Item.quantity, Item.urgency,
                 cast(Item.languages, String), Item.splittable, Item.updated_at)


def entries_of(statement, parties=None) -> Iterator[tuple[engine.Entry, object]]:
    """(entry, updated_at) for each row of a select of ``ENTRY_COLUMNS``; with ``parties``,
    only the rows of those organisations (the others are skipped before any conversion)."""
    languages = _memo(lambda text: frozenset(json.loads(text)))
    for (item_id, party, direction, area, form, dimension, description, quantity, urgency,
         language_text, splittable, updated_at) in _plain_rows(statement):
        if parties is not None and party not in parties:
            continue
        yield (engine.Entry(item_id, party, str(direction), area, str(form), str(dimension),
                            description, quantity, str(urgency) if urgency else None,
                            languages(language_text), bool(splittable)), updated_at)


def _plain_rows(statement):
    """The rows of a select of columns, through the session's connection: the same rows as
    ``db.session.execute``, without the ORM's work per row (100,000 items, 150,000 matches)."""
    if db.session.autoflush:  # as ``db.session.execute`` would, before reading
        db.session.flush()
    return db.session.connection().execute(statement).all()


def propose_matches(organisation_id: int | None = None, today: date | None = None,
                    world=None) -> RunSummary:
    """Propose partners for everyone, or after one organisation's items changed. Idempotent:
    one match per need-offer pair; a declined pair returns only if one of its items changed;
    open matches whose items expired or were withdrawn are closed. The caller commits.

    ``world``: a warm ``world.World`` (the worker's), caught up with the database, instead of
    loading the items again."""
    with engine.collector_paused():
        return _propose_matches(organisation_id, today or date.today(), world)


def _propose_matches(organisation_id: int | None, today: date, world) -> RunSummary:
    areas_of = masks = None
    if world is None:
        parties, entries, versions, areas_of = load_world(today, organisation_id)
    else:
        parties, entries, versions, masks = world.snapshot(organisation_id)
    involving = {organisation_id} if organisation_id is not None else None
    settings = engine.Settings(agreed_list_gate=agreed_list_gate())
    candidates = engine.propose(parties, entries, related_areas(), settings, involving,
                                areas_of, masks)
    if organisation_id is not None:
        candidates = _among_the_best(candidates, organisation_id, settings.per_need)
    summary = RunSummary(proposals=len(candidates))

    scope = () if organisation_id is None else (or_(
        Match.need_organisation_id == organisation_id,
        Match.offer_organisation_id == organisation_id),)
    # Only a declined pair compares its items' versions (it returns when one changed): they
    # are read for those alone, not converted for every stored proposal.
    declined = Match.status == MatchStatus.DECLINED
    existing = {(r.need_id, r.offer_id): r for r in _plain_rows(
        select(Match.id, Match.need_id, Match.offer_id, Match.status, Match.score,
               case((declined, Match.need_version)).label("need_version"),
               case((declined, Match.offer_version)).label("offer_version"))
        .where(*scope))}
    now = utcnow()
    inserts, updates, reopen = [], [], []
    for c in candidates:
        fields = {"score": c.score, "components": dict(c.components)}
        found = existing.get((c.need_id, c.offer_id))
        if found is None:
            inserts.append({"need_id": c.need_id, "offer_id": c.offer_id,
                            "need_organisation_id": c.need_party,
                            "offer_organisation_id": c.offer_party, "status": MatchStatus.PROPOSED,
                            "origin": Origin.ENGINE, "rationale": "", "status_reason": "",
                            "need_version": versions[c.need_id],
                            "offer_version": versions[c.offer_id], "created_at": now,
                            "updated_at": now, **fields})
        elif found.status in OPEN_STATUSES:
            if abs(found.score - c.score) > 1e-9:
                updates.append({"match_id": found.id, "updated_at": now, **fields})
        elif found.status in (MatchStatus.EXPIRED, MatchStatus.WITHDRAWN) or (
                found.status == MatchStatus.DECLINED and (
                    found.need_version != versions[c.need_id]
                    or found.offer_version != versions[c.offer_id])):
            reopen.append({"match_id": found.id, "updated_at": now, "status_reason": "",
                           "status": workflow.next_state(found.status, "reopen",
                                                         workflow.SYSTEM),
                           "need_version": versions[c.need_id],
                           "offer_version": versions[c.offer_id], **fields})
    # Plain rows, in the order of the candidates (best first): the ORM's bulk path, and even a
    # Core insert's work per row, cost seconds at 150,000 proposals.
    insert_rows(Match.__table__, inserts)
    if inserts:
        changes.note(db.session)   # the rows went past the session (its updates do not)
    for rows in (updates, reopen):
        if rows:
            db.session.execute(_update_by_id(rows[0]), rows)
    summary.created, summary.updated, summary.reopened = len(inserts), len(updates), len(reopen)
    summary.closed = _close_impossible(existing, versions, parties, today)
    # The dashboard's supply and demand, counted once here rather than on each visit.
    store_supply_and_demand(today, now)
    record("matching.proposed", object_type="organisation", object_id=organisation_id,
           created=summary.created, updated=summary.updated, reopened=summary.reopened,
           closed=summary.closed)
    return summary


def _among_the_best(candidates, organisation_id: int, per_need: int):
    """A recomputation scores this organisation's offers against other organisations' needs
    without those needs' other offers; keep an offer only where a full run would: among the
    need's best ``per_need``, counting the open proposals the need already has."""
    foreign = {c.need_id for c in candidates if c.need_party != organisation_id}
    if not foreign:
        return candidates
    others: dict[int, list[float]] = {}
    ids = sorted(foreign)
    for start in range(0, len(ids), 900):  # SQLite's limit on bound parameters
        # By need only, so that every database reads it through the (need, offer) index.
        for need_id, offer_party, status, score in db.session.execute(
                select(Match.need_id, Match.offer_organisation_id, Match.status, Match.score)
                .where(Match.need_id.in_(ids[start:start + 900]))):
            if offer_party != organisation_id and status in OPEN_STATUSES:
                others.setdefault(need_id, []).append(score)
    mine: dict[int, list[float]] = {}
    for c in candidates:
        if c.need_party != organisation_id:
            mine.setdefault(c.need_id, []).append(c.score)
    cut = {need_id: sorted(others.get(need_id, []) + scores, reverse=True)[:per_need][-1]
           for need_id, scores in mine.items()}
    return [c for c in candidates if c.need_party == organisation_id or c.score >= cut[c.need_id]]


def _close_impossible(existing, current_versions, parties, today: date) -> int:
    """Open matches whose item is gone: expired (past its date) or withdrawn (or its
    organisation no longer verified)."""
    unloaded = [r for r in existing.values() if r.status in OPEN_STATUSES
                and (r.need_id not in current_versions or r.offer_id not in current_versions)]
    if not unloaded:
        return 0
    # A recomputation loads only some items: ask the database which of the others still count.
    ids = sorted({r.need_id for r in unloaded} | {r.offer_id for r in unloaded})
    still_current = set(db.session.scalars(
        select(Item.id).join(Organisation, Item.organisation_id == Organisation.id).where(
            Item.id.in_(ids), Item.status == ItemStatus.ACTIVE, Item.valid_until >= today,
            Organisation.status == Status.VERIFIED)))
    stale = [r for r in unloaded if r.need_id not in still_current
             or r.offer_id not in still_current]
    if not stale:
        return 0
    ids = sorted({r.need_id for r in stale} | {r.offer_id for r in stale})
    expired = set(db.session.scalars(select(Item.id).where(
        Item.id.in_(ids), Item.status == ItemStatus.ACTIVE, Item.valid_until < today)))
    now = utcnow()
    for action in ("expire", "withdraw"):
        rows = [r for r in stale if (r.need_id in expired or r.offer_id in expired)
                == (action == "expire")]
        if rows:
            values = [{"match_id": r.id, "updated_at": now,
                       "status": workflow.next_state(r.status, action, workflow.SYSTEM)}
                      for r in rows]
            db.session.execute(_update_by_id(values[0]), values)
    return len(stale)


def _update_by_id(sample: dict):
    """A Core UPDATE of the match table, one row per parameter set (executemany)."""
    table = Match.__table__
    return (update(table).where(table.c.id == bindparam("match_id"))
            .values({key: bindparam(key) for key in sample if key != "match_id"}))
