"""The matching world kept warm in a long-lived worker: recomputations without reloading.

Loading 100,000 items from the database costs a second or more; a recomputation after one
organisation's change should cost a fraction of that. A worker (``flask worker``) keeps one
``World`` in memory: the verified organisations, every item with its dates, an index by
(direction, area) and each organisation's area masks for reciprocity. Before each job it reads
only the rows whose ``updated_at`` (indexed) is later than a minute before it last looked, so
that a row stamped just before that read but committed just after it is not missed (and clocks
a little apart do not matter), plus every row of the organisation whose change queued the
job; and it starts over from the database once an hour and on every full run. The web
processes keep none: without a worker they load what a recomputation needs from the database
(``services.load_world``).
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, or_, select

from ..core.database import utcnow
from ..extensions import db
from ..organisations.models import Item, ItemStatus, Organisation, Status
from . import engine

OVERLAP = timedelta(minutes=1)
MAX_AGE = timedelta(hours=1)


@dataclass(slots=True)
class _Item:
    entry: engine.Entry
    active: bool
    valid_until: date
    version: datetime


class World:
    """Verified organisations and their items, in memory, refreshed from what changed."""

    def __init__(self, related):
        self.related = related
        self.area_index = engine.area_positions(related)
        self.loaded_at: datetime | None = None
        self.database: str | None = None
        self.clear()

    def clear(self) -> None:
        self.parties: dict[int, engine.Party] = {}
        self.items: dict[int, _Item] = {}
        self.by_party: dict[int, set[int]] = {}
        self.by_key: dict[tuple[str, str, str], set[int]] = {}  # (direction, area, form)
        self.offer_masks: dict[int, int] = {}
        self.need_masks: dict[int, int] = {}
        self.read_at: datetime | None = None
        self.today: date | None = None

    # Reading the database ---------------------------------------------------------------

    def refresh(self, today: date, full: bool = False, organisation_id: int | None = None
                ) -> int:
        """Catch up with the database (and re-read one organisation whole); return how many
        rows were read."""
        now = utcnow()
        database = db.engine.url.render_as_string(hide_password=True)
        if (full or self.loaded_at is None or now - self.loaded_at > MAX_AGE
                or database != self.database):
            self.clear()
            self.loaded_at, self.database = now, database
        new_day, self.today = today != self.today, today
        since = self.read_at - OVERLAP if self.read_at else None
        self.read_at = now
        read = (self._read_organisations(since, organisation_id)
                + self._read_items(since, organisation_id))
        if new_day:  # items expire by date, not by a change of row
            self._fold(self.by_party)
        return read

    def _read_organisations(self, since: datetime | None, organisation_id: int | None) -> int:
        statement = select(Organisation.id, Organisation.status, Organisation.country,
                           Organisation.kind, Organisation.languages,
                           Organisation.on_agreed_list)
        if since is not None:
            statement = statement.where(or_(Organisation.updated_at >= since,
                                            Organisation.id == organisation_id))
        rows = db.session.execute(statement).all()
        for row in rows:
            if row.status == Status.VERIFIED:
                self.parties[row.id] = engine.Party(
                    row.id, str(row.country), str(row.kind), frozenset(row.languages),
                    row.on_agreed_list)
            else:
                self.parties.pop(row.id, None)
        return len(rows)

    def _read_items(self, since: datetime | None, organisation_id: int | None) -> int:
        statement = select(
            Item.id, Item.organisation_id, Item.direction, Item.area, Item.form,
            Item.dimension, Item.description, Item.quantity, Item.urgency,
            cast(Item.languages, String), Item.status, Item.valid_until, Item.updated_at,
            Item.splittable)
        if since is not None:
            statement = statement.where(or_(Item.updated_at >= since,
                                            Item.organisation_id == organisation_id))
        languages: dict[str, frozenset[str]] = {}
        touched: set[int] = set()
        count = 0
        for (item_id, party, direction, area, form, dimension, description, quantity, urgency,
             language_text, status, valid_until, updated_at, splittable
             ) in db.session.execute(statement):
            count += 1
            if language_text not in languages:
                languages[language_text] = frozenset(json.loads(language_text))
            entry = engine.Entry(item_id, party, str(direction), area, str(form),
                                 str(dimension), description, quantity,
                                 str(urgency) if urgency else None, languages[language_text],
                                 bool(splittable))
            old = self.items.get(item_id)
            if old is not None:
                self.by_key[_key(old.entry)].discard(item_id)
            self.items[item_id] = _Item(entry, status == ItemStatus.ACTIVE, valid_until,
                                        updated_at)
            self.by_key.setdefault(_key(entry), set()).add(item_id)
            self.by_party.setdefault(party, set()).add(item_id)
            touched.add(party)
        self._fold(touched)
        return count

    # What the engine needs ------------------------------------------------------------------

    def _current(self, record: _Item) -> bool:
        return record.active and record.valid_until >= self.today

    def _fold(self, parties) -> None:
        """Recompute the area masks (reciprocity) of these parties from their current items."""
        related, index = self.related, self.area_index
        for party in parties:
            triples = [(party, r.entry.direction, r.entry.area)
                       for r in (self.items[i] for i in self.by_party.get(party, ()))
                       if self._current(r)]
            _, offers, needs = engine.party_areas(triples, related, index)
            self.offer_masks[party] = offers.get(party, 0)
            self.need_masks[party] = needs.get(party, 0)

    def snapshot(self, organisation_id: int | None = None):
        """(parties, entries, versions, masks) for the engine: everything, or the items a
        recomputation for one organisation can score (its own, and the other side's in the
        groups its items meet)."""
        if organisation_id is None:
            ids = self.items.keys()
        else:
            own = [r.entry for r in (self.items[i] for i in self.by_party.get(organisation_id, ()))
                   if self._current(r)]
            ids = set(self.by_party.get(organisation_id, ()))
            if organisation_id in self.parties:
                parties = self.parties
                wanted = {("offer", *key) for key in engine.pool_keys(
                    [e for e in own if e.direction == "need"], parties, self.related)}
                wanted |= {("need", *key) for e in own if e.direction == "offer"
                           for key in engine.served_keys(e, parties, self.related)}
                for direction, area, country, form in wanted:
                    for item_id in self.by_key.get((direction, area, form), ()):
                        party = self.parties.get(self.items[item_id].entry.party)
                        if party is not None and party.country == country:
                            ids.add(item_id)
        entries, versions = [], {}
        for item_id in sorted(ids):  # the database's order: ties fall the same way
            record = self.items[item_id]
            if record.entry.party in self.parties and self._current(record):
                entries.append(record.entry)
                versions[item_id] = record.version
        masks = (self.area_index, self.offer_masks, self.need_masks)
        return self.parties, entries, versions, masks


def _key(entry: engine.Entry) -> tuple[str, str, str]:
    return entry.direction, entry.area, entry.form


_WORLD: World | None = None


def warm_world(today: date, full: bool = False, organisation_id: int | None = None) -> World:
    """This process's world, caught up with the database (the worker's)."""
    global _WORLD
    if _WORLD is None:
        from .services import related_areas

        _WORLD = World(related_areas())
    _WORLD.refresh(today, full, organisation_id)
    return _WORLD


def forget_world() -> None:
    """Drop this process's world (when its worker stops)."""
    global _WORLD
    _WORLD = None
