"""The life of a partnership, as one table: state -> states the embassy may move it to.

The memorandum phase (mou_drafting, mou_review, mou_agreed, signed) follows the memorandum only
(``memoranda.approvals.PARTNERSHIP_STATUS``): the embassy never sets those by hand. It can put a
partnership on hold and resume it (to forming, which then follows the open memorandum, or to
active), move a signed one to active, and complete or terminate it.
"""

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


def can_move(state: S, target: S) -> bool:
    return S(target) in TRANSITIONS[S(state)]
