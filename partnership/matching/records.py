"""The plain records the matching engine takes and gives: no Flask, no database."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Party:
    """An organisation as the engine sees it."""

    id: int
    country: str                      # "UA" or "KZ"
    kind: str
    languages: frozenset[str] = frozenset()
    on_agreed_list: bool = True


@dataclass(frozen=True)
class Entry:
    """An offer or a need."""

    id: int
    party: int
    direction: str                    # "offer" or "need"
    area: str
    form: str
    dimension: str
    description: str = ""
    quantity: int | None = None
    urgency: str | None = None
    languages: frozenset[str] = frozenset()
    splittable: bool = False          # a need several offers may share (capacity rule)


# A reason is a plain tuple, (code, details): one criterion met or missing, with its details
# (areas, languages, numbers) as ((key, value), ...). Plain tuples: 150,000 proposals make a
# million of them.
Reason = tuple[str, tuple[tuple[str, object], ...]]


@dataclass(frozen=True)
class Settings:
    per_need: int = 3             # proposals kept per need
    shortlist: int = 8            # offers per need whose descriptions are compared
    min_score: float = 0.5
    agreed_list_gate: bool = False
