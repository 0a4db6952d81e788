"""The life of a memorandum, as one table: state -> {action: next state}.

Edits happen in draft and in review (an edit withdraws the approvals given so far); the third
approval of the same version is what moves a memorandum from in review to agreed, so "agree" is
not an action a person takes directly. Agreed text is frozen. No Flask, no database.
"""

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
