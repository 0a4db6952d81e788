"""The plain records the matching engine takes and gives: no Flask, no database."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property


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


# A reason is a plain tuple, (code, details): one criterion met or missing, with its details
# (areas, languages, numbers) as ((key, value), ...). Plain tuples: 150,000 proposals make a
# million of them.
Reason = tuple[str, tuple[tuple[str, object], ...]]


@dataclass(frozen=True)
class Candidate:
    """A proposed offer for a need, with its score and why.

    The reasons (``matched``, ``missing``) are worked out from the components when first asked
    for: a full run stores 150,000 proposals and shows none of their reasons."""

    need_id: int
    offer_id: int
    need_party: int
    offer_party: int
    score: float
    components: Mapping[str, float]
    need: Entry | None = field(compare=False, repr=False, default=None)
    offer: Entry | None = field(compare=False, repr=False, default=None)
    parties: Mapping[int, Party] | None = field(compare=False, repr=False, default=None)

    @cached_property
    def _reasons(self) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
        from .pairs import explain

        return explain(self.need, self.offer, self.components, self.parties)

    @property
    def matched(self) -> tuple[Reason, ...]:
        """The criteria met."""
        return self._reasons[0]

    @property
    def missing(self) -> tuple[Reason, ...]:
        """The criteria not met, or met only in part."""
        return self._reasons[1]


@dataclass(frozen=True)
class Settings:
    per_need: int = 3             # proposals kept per need
    shortlist: int = 8            # offers per need whose descriptions are compared
    min_score: float = 0.5
    agreed_list_gate: bool = False
