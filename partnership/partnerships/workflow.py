"""The life of a partnership, as one table: state -> states the embassy may move it to.

The memoranda area moves it through mou_drafting .. signed; the embassy can always put a
partnership on hold, resume it, or end it.
"""

from .models import PartnershipStatus as S

TRANSITIONS: dict[S, tuple[S, ...]] = {
    S.FORMING: (S.MOU_DRAFTING, S.ON_HOLD, S.TERMINATED),
    S.MOU_DRAFTING: (S.MOU_REVIEW, S.ON_HOLD, S.TERMINATED),
    S.MOU_REVIEW: (S.MOU_DRAFTING, S.MOU_AGREED, S.ON_HOLD, S.TERMINATED),
    S.MOU_AGREED: (S.SIGNED, S.ON_HOLD, S.TERMINATED),
    S.SIGNED: (S.ACTIVE, S.TERMINATED),
    S.ACTIVE: (S.ANNUAL_REVIEW, S.ON_HOLD, S.COMPLETED, S.TERMINATED),
    S.ANNUAL_REVIEW: (S.ACTIVE, S.COMPLETED, S.TERMINATED),
    S.ON_HOLD: (S.FORMING, S.MOU_DRAFTING, S.ACTIVE, S.TERMINATED),
    S.COMPLETED: (),
    S.TERMINATED: (),
}


def can_move(state: S, target: S) -> bool:
    return S(target) in TRANSITIONS[S(state)]
