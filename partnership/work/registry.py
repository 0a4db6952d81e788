"""The entries of "My work", and how one is added.

An entry is one function, decorated with ``@entry``: it receives the signed-in user and returns
``Waiting`` (how many, the oldest or soonest, where the work is done) or None when it does not
apply to this user. It calls its area's query (``<area>/work.py``): one aggregate query, so
the page runs a fixed number of queries whatever the size of the data. The entries themselves
are in ``entries.py``; issue 16's "contact the embassy" is one more function there.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from ..auth.models import User
from ..core.roles import Role


class When(StrEnum):
    AGE = "age"    # ``when`` is the oldest item's time: the page says how long it has waited
    DUE = "due"    # ``when`` is the soonest date: the page says by when


@dataclass(frozen=True)
class Waiting:
    """What one entry found for the user."""

    count: int
    when: datetime | date | None
    url: str
    codes: tuple[str, ...] = ()  # case codes shown with the entry (never a name)
    detail: str = ""  # a short text shown with the entry (the embassy's note on a return)


@dataclass(frozen=True)
class Entry:
    key: str
    label: object  # a lazy string
    roles: frozenset[Role]
    when: When
    find: Callable[[User], Waiting | None]


@dataclass(frozen=True)
class Shown:
    """An entry as the page shows it."""

    key: str
    label: object
    when_is: When
    waiting: Waiting = field(repr=False)


ENTRIES: list[Entry] = []


def entry(key: str, label, *roles: Role, when: When = When.AGE):
    """Register ``function(user) -> Waiting | None`` as an entry of "My work" for ``roles``."""

    def register(function: Callable[[User], Waiting | None]):
        if any(existing.key == key for existing in ENTRIES):
            raise ValueError(f"two entries of My work are called {key!r}")
        ENTRIES.append(Entry(key, label, frozenset(roles), when, function))
        return function

    return register


def waiting_for(user: User) -> list[Shown]:
    """Every entry of the user's role that has something waiting, in the order declared."""
    shown = []
    for candidate in ENTRIES:
        if user.role not in candidate.roles:
            continue
        found = candidate.find(user)
        if found is not None and found.count > 0:
            shown.append(Shown(candidate.key, candidate.label, candidate.when, found))
    return shown


def link(count: int, single_id: int | None, one: Callable[[int], str], many: str) -> str:
    """Straight to the object when there is exactly one, else to the filtered list."""
    return one(single_id) if count == 1 and single_id is not None else many
