"""The life of a partnership: the table of moves, and the one module that changes a status.

The embassy moves a partnership along ``TRANSITIONS``. The memorandum phase (mou_drafting,
mou_review, mou_agreed, signed) follows the memorandum only (``memoranda.workflow``): the
embassy never sets those by hand. It can put a partnership on hold and resume it (to forming,
which then follows the open memorandum, or to active), move a signed one to active, and
complete or terminate it.

Every change of ``Partnership.status`` happens here (``start``, ``move``, ``follow_memorandum``)
and leaves a history entry and an audit record (tests/unit/test_layers.py checks that no other
module assigns a status). Areas above this one that must act when the embassy moves a
partnership (its memoranda end with it) register at the hook ``MOVED``.
"""

from flask_babel import gettext as _

from ..core import hooks
from ..core.audit import record
from ..core.database import utcnow
from ..core.events import PartnershipStatusChanged, emit
from ..core.services import ServiceError
from .models import Partnership, PartnershipEvent
from .models import PartnershipStatus as S

TRANSITIONS: dict[S, tuple[S, ...]] = {
    S.FORMING: (S.ON_HOLD, S.TERMINATED),
    S.MOU_DRAFTING: (S.ON_HOLD, S.TERMINATED),
    S.MOU_REVIEW: (S.ON_HOLD, S.TERMINATED),
    S.MOU_AGREED: (S.ON_HOLD, S.TERMINATED),
    S.SIGNED: (S.ACTIVE, S.TERMINATED),
    S.ACTIVE: (S.ANNUAL_REVIEW, S.ON_HOLD, S.COMPLETED, S.TERMINATED),
    S.ANNUAL_REVIEW: (S.ACTIVE, S.COMPLETED, S.TERMINATED),
    S.ON_HOLD: (S.FORMING, S.ACTIVE, S.TERMINATED),
    S.COMPLETED: (),
    S.TERMINATED: (),
}

# The statuses only a memorandum sets (never offered in the status form).
MEMORANDUM_ONLY = (S.MOU_DRAFTING, S.MOU_REVIEW, S.MOU_AGREED, S.SIGNED)

# The statuses a memorandum moves a partnership between; later ones (active, on hold,
# ended) are the embassy's to change, so a memorandum never pulls a partnership back.
MEMORANDUM_PHASE = (S.FORMING, *MEMORANDUM_ONLY)

# A partnership in one of these is over: a new match between the same two starts a new one.
ENDED = (S.COMPLETED, S.TERMINATED)

# hooks.call(MOVED, actor, partnership, target, note) after the embassy moved a partnership.
MOVED = "partnership.moved"


def can_move(state: S, target: S) -> bool:
    return S(target) in TRANSITIONS[S(state)]


def start(actor, partnership: Partnership) -> Partnership:
    """A new partnership begins in forming, with the first entry of its history."""
    partnership.status = S.FORMING
    partnership.created_at = utcnow()  # updated_at: its column's default and onupdate
    partnership.events.append(PartnershipEvent(actor_id=actor.id, to_status=str(S.FORMING)))
    return partnership


def move(actor, partnership: Partnership, target: str, note: str) -> None:
    """The embassy moves the partnership along its table; the areas above follow (hook)."""
    try:
        target = S(target)
    except ValueError:
        raise ServiceError(_("Choose a status from the list.")) from None
    if not can_move(partnership.status, target):
        raise ServiceError(_("A partnership cannot move from this status to that one."))
    _set(actor, partnership, target, note.strip())
    hooks.call(MOVED, actor, partnership, target, note.strip())


def follow_memorandum(actor, partnership: Partnership, target: S, note: str) -> None:
    """Move the partnership to the status its memorandum implies, with a history entry."""
    if partnership.status == target or partnership.status not in MEMORANDUM_PHASE:
        return
    _set(actor, partnership, target, note)


def _set(actor, partnership: Partnership, target: S, note: str) -> None:
    before = partnership.status
    partnership.status = target
    partnership.events.append(PartnershipEvent(actor_id=actor.id, from_status=str(before),
                                               to_status=str(target), note=note))
    record("partnership.status", actor=actor, obj=partnership, before=str(before),
           after=str(target), note=note)
    emit(PartnershipStatusChanged(partnership_id=partnership.id, status=str(target),
                                  actor_id=getattr(actor, "id", None)))
