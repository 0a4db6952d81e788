"""Domain events and their transactional outbox.

A service says what happened with ``emit(SomethingHappened(...))``. The event is written to the
``outbox_event`` table in the same transaction as the change; after the unit of work commits,
``dispatch`` hands it to its handlers (``partnership/handlers.py`` lists them, one line each).
Each handler runs in a transaction of its own that also records ``(event, handler)`` as done, so
a retry skips the handlers that already ran. An event whose dispatch broke off (a crash between
the commit and the dispatch, a handler that raised) stays undispatched; the worker and
``flask dispatch-events`` pick it up again.

Events are plain data: ids, codes and field names, never a person's identity (events about
children carry the case code only).
"""

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from . import unit_of_work
from .database import UTCDateTime, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


class OutboxEvent(db.Model):
    """One domain event, written with the change it describes, dispatched after commit."""

    __tablename__ = "outbox_event"
    __table_args__ = (Index("ix_outbox_event_pending", "dispatched_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(nullable=False, default=0)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")


class HandledEvent(db.Model):
    """A handler that has done its work for an event, recorded with that work."""

    __tablename__ = "handled_event"
    __table_args__ = (UniqueConstraint("event_id", "handler"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_event.id", ondelete="CASCADE"),
                                          nullable=False)
    handler: Mapped[str] = mapped_column(String(120), nullable=False)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


# --- the events ------------------------------------------------------------------------------

EVENT_TYPES: dict[str, type["Event"]] = {}


@dataclass(frozen=True)
class Event:
    """What happened, as plain data. ``kind`` names it in the outbox."""

    kind: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        EVENT_TYPES[cls.kind] = cls


@dataclass(frozen=True)
class OrganisationChanged(Event):
    """Profile fields changed (names in ``fields``)."""

    kind: ClassVar[str] = "organisation.changed"
    organisation_id: int
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrganisationDecided(Event):
    """The embassy verified, rejected, suspended or reinstated an organisation."""

    kind: ClassVar[str] = "organisation.decided"
    organisation_id: int
    action: str
    status: str
    reason: str = ""


@dataclass(frozen=True)
class AgreedListChanged(Event):
    kind: ClassVar[str] = "organisation.agreed_list"
    organisation_id: int
    on_list: bool


@dataclass(frozen=True)
class ItemChanged(Event):
    """An offer or need was added, edited, renewed or withdrawn."""

    kind: ClassVar[str] = "item.changed"
    item_id: int
    organisation_id: int
    change: str


@dataclass(frozen=True)
class ImportApplied(Event):
    """A file of organisations or items was imported (all its rows)."""

    kind: ClassVar[str] = "import.applied"
    what: str
    rows: int


@dataclass(frozen=True)
class MatchingSettingsChanged(Event):
    kind: ClassVar[str] = "matching.settings_changed"
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecomputationRequested(Event):
    kind: ClassVar[str] = "matching.recomputation_requested"


@dataclass(frozen=True)
class MatchDecided(Event):
    """Interest expressed, a match vetted or declined (``status`` is the new one)."""

    kind: ClassVar[str] = "match.decided"
    match_id: int
    status: str
    actor_id: int | None = None      # who acted: never told of their own action


@dataclass(frozen=True)
class PartnershipOpened(Event):
    kind: ClassVar[str] = "partnership.opened"
    partnership_id: int
    actor_id: int | None = None


@dataclass(frozen=True)
class PartnershipStatusChanged(Event):
    kind: ClassVar[str] = "partnership.status_changed"
    partnership_id: int
    status: str
    actor_id: int | None = None


@dataclass(frozen=True)
class MemorandumChanged(Event):
    """Edited, submitted, approved, returned to draft, agreed, signed, terminated, ..."""

    kind: ClassVar[str] = "memorandum.changed"
    memorandum_id: int
    change: str
    state: str = ""
    actor_id: int | None = None
    party: str = ""                  # the actor's party (approved, commented)
    version: int = 0                 # the version approved


@dataclass(frozen=True)
class ChildCaseChanged(Event):
    """Referred, placed, consent withdrawn, ...: the case code only, never identity."""

    kind: ClassVar[str] = "child_case.changed"
    case_code: str
    change: str
    state: str = ""
    actor_id: int | None = None      # the staff member who acted (an account, not the child)


@dataclass(frozen=True)
class ColleagueInvited(Event):
    """A manager invited a colleague to the organisation (a new account)."""

    kind: ClassVar[str] = "organisation.colleague_invited"
    organisation_id: int
    user_id: int
    actor_id: int | None = None


@dataclass(frozen=True)
class ContactMessageSent(Event):
    """Someone wrote to the embassy through the contact form (the message's id only)."""

    kind: ClassVar[str] = "contact.message_sent"
    message_id: int


# --- recording and dispatching --------------------------------------------------------------

Handler = Callable[[Event, dict], None]
HANDLERS: dict[type[Event], list[Handler]] = {}


def handles(*event_types: type[Event]):
    """Register a handler for these event types (handlers run in registration order)."""

    def register(handler: Handler) -> Handler:
        for event_type in event_types:
            HANDLERS.setdefault(event_type, []).append(handler)
        return handler

    return register


def handler_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def emit(event: Event) -> OutboxEvent:
    """Record ``event`` in the outbox, in the current unit of work (committed with it)."""
    row = OutboxEvent(kind=event.kind, payload=_payload(event), created_at=utcnow())
    db.session.add(row)
    db.session.info.setdefault("outbox_events", []).append(row)
    return row


def _payload(event: Event) -> dict:
    return {name: list(value) if isinstance(value, tuple) else value
            for name, value in dataclasses.asdict(event).items()}


def load(row: OutboxEvent) -> Event:
    """The typed event stored in ``row``."""
    cls = EVENT_TYPES[row.kind]
    names = {f.name: f for f in dataclasses.fields(cls)}
    values = {k: tuple(v) if isinstance(v, list) else v
              for k, v in row.payload.items() if k in names}
    return cls(**values)


def dispatch(event_ids: list[int], batch: dict | None = None) -> int:
    """Hand these committed events to their handlers; returns how many were fully dispatched.
    A handler that raises stops its event (retried later); others go on."""
    batch = {} if batch is None else batch
    done = 0
    for event_id in event_ids:
        row = db.session.get(OutboxEvent, event_id)
        if row is None or row.dispatched_at is not None:
            continue
        event, kind = load(row), row.kind
        try:
            for handler in HANDLERS.get(type(event), []):
                name = handler_name(handler)
                with unit_of_work.step():
                    if _already_handled(event_id, name):
                        continue
                    handler(event, batch)
                    db.session.add(HandledEvent(event_id=event_id, handler=name))
        except Exception as error:  # noqa: BLE001 - kept for a retry; the change is committed
            log.exception("event %s (%s): a handler failed", event_id, kind)
            with unit_of_work.step():
                row = db.session.get(OutboxEvent, event_id)
                row.attempts += 1
                row.last_error = f"{type(error).__name__}: {error}"[:1000]
            continue
        with unit_of_work.step():
            row = db.session.get(OutboxEvent, event_id)
            row.attempts += 1
            row.dispatched_at = utcnow()
            row.last_error = ""
        done += 1
    return done


def _already_handled(event_id: int, name: str) -> bool:
    return db.session.scalar(select(HandledEvent.id).where(
        HandledEvent.event_id == event_id, HandledEvent.handler == name)) is not None


def dispatch_pending(limit: int = 1000) -> int:
    """Dispatch what a crash or a failing handler left behind; returns how many went out."""
    ids = list(db.session.scalars(
        select(OutboxEvent.id).where(OutboxEvent.dispatched_at.is_(None),
                                     OutboxEvent.attempts < MAX_ATTEMPTS)
        .order_by(OutboxEvent.id).limit(limit)))
    unit_of_work.discard()  # end the read: each handler runs in a transaction of its own
    return dispatch(ids)


unit_of_work.dispatch_with(dispatch, dispatch_pending)
