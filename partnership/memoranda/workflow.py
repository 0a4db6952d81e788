"""The life of a memorandum, as one table: state -> {action: next state}.

Edits happen in draft and in review (an edit withdraws the approvals given so far); the third
approval of the same version is what moves a memorandum from in review to agreed, so "agree" is
not an action a person takes directly. Agreed text is frozen. No Flask, no database.
"""

from ..partnerships import workflow as partnerships
from ..partnerships.models import PartnershipStatus
from .models import MemorandumState as S

TRANSITIONS: dict[S, dict[str, S]] = {
    S.DRAFT: {"submit": S.IN_REVIEW, "terminate": S.TERMINATED},
    S.IN_REVIEW: {"return": S.DRAFT, "agree": S.AGREED, "terminate": S.TERMINATED},
    S.AGREED: {"sign": S.SIGNED, "supersede": S.SUPERSEDED, "terminate": S.TERMINATED},
    S.SIGNED: {"supersede": S.SUPERSEDED, "terminate": S.TERMINATED},
    S.SUPERSEDED: {},
    S.TERMINATED: {},
}

EDITABLE = (S.DRAFT, S.IN_REVIEW)          # the text may change; comments are open
APPROVABLE = (S.IN_REVIEW,)
FROZEN = (S.AGREED, S.SIGNED, S.SUPERSEDED, S.TERMINATED)
ENDED = (S.SUPERSEDED, S.TERMINATED)


class IllegalMove(Exception):
    """An action that the memorandum's state does not allow."""

    def __init__(self, state: S, action: str):
        super().__init__(f"{action} is not possible in state {state}")
        self.state, self.action = S(state), action


def next_state(state: S, action: str) -> S:
    """The state after ``action``, or IllegalMove."""
    try:
        return TRANSITIONS[S(state)][action]
    except KeyError:
        raise IllegalMove(state, action) from None


def allowed(state: S) -> tuple[str, ...]:
    """The actions possible in ``state``."""
    return tuple(TRANSITIONS[S(state)])


# memorandum state -> the partnership status it implies (only while the partnership is in
# its memorandum phase, forming .. signed: see ``partnerships.workflow.follow_memorandum``).
# A terminated memorandum leaves the partnership without one: back to forming, where a new
# memorandum can be started (an embassy decision on the partnership itself, such as
# terminating it, is a status change of its own). A superseded one changes nothing by itself:
# the amendment draft made at the same moment moves the partnership to mou_drafting.
PARTNERSHIP_STATUS: dict[S, PartnershipStatus | None] = {
    S.DRAFT: PartnershipStatus.MOU_DRAFTING,
    S.IN_REVIEW: PartnershipStatus.MOU_REVIEW,
    S.AGREED: PartnershipStatus.MOU_AGREED,
    S.SIGNED: PartnershipStatus.SIGNED,
    S.SUPERSEDED: None,
    S.TERMINATED: PartnershipStatus.FORMING,
}


def follow(actor, memorandum) -> None:
    """Move the partnership to the status the memorandum's state implies, with a history entry."""
    target = PARTNERSHIP_STATUS.get(memorandum.state)
    if target is not None:
        # No note: the status's own label ("Memorandum agreed" ...) says it, in every language.
        partnerships.follow_memorandum(actor, memorandum.partnership, target, "")
