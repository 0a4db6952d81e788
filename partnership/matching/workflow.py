"""The life of a match, as one table: (state, action, who) -> next state."""

from .models import MatchStatus as S

NEED, OFFER, EMBASSY, SYSTEM = "need_side", "offer_side", "embassy", "system"

TRANSITIONS: dict[tuple[S, str, str], S] = {
    (S.PROPOSED, "interest", NEED): S.INTEREST_NEED,
    (S.PROPOSED, "interest", OFFER): S.INTEREST_OFFER,
    (S.INTEREST_OFFER, "interest", NEED): S.MUTUALLY_ACCEPTED,
    (S.INTEREST_NEED, "interest", OFFER): S.MUTUALLY_ACCEPTED,
    (S.PROPOSED, "decline", NEED): S.DECLINED,
    (S.PROPOSED, "decline", OFFER): S.DECLINED,
    (S.INTEREST_NEED, "decline", NEED): S.DECLINED,
    (S.INTEREST_NEED, "decline", OFFER): S.DECLINED,
    (S.INTEREST_OFFER, "decline", NEED): S.DECLINED,
    (S.INTEREST_OFFER, "decline", OFFER): S.DECLINED,
    (S.MUTUALLY_ACCEPTED, "decline", NEED): S.DECLINED,
    (S.MUTUALLY_ACCEPTED, "decline", OFFER): S.DECLINED,
    (S.MUTUALLY_ACCEPTED, "vet", EMBASSY): S.VETTED,
    (S.PROPOSED, "hide", EMBASSY): S.HIDDEN,
    (S.INTEREST_NEED, "hide", EMBASSY): S.HIDDEN,
    (S.INTEREST_OFFER, "hide", EMBASSY): S.HIDDEN,
    (S.MUTUALLY_ACCEPTED, "hide", EMBASSY): S.HIDDEN,
    (S.HIDDEN, "unhide", EMBASSY): S.PROPOSED,
    # The matcher closes what can no longer happen and reopens what became possible again.
    (S.PROPOSED, "expire", SYSTEM): S.EXPIRED,
    (S.INTEREST_NEED, "expire", SYSTEM): S.EXPIRED,
    (S.INTEREST_OFFER, "expire", SYSTEM): S.EXPIRED,
    (S.MUTUALLY_ACCEPTED, "expire", SYSTEM): S.EXPIRED,
    (S.PROPOSED, "withdraw", SYSTEM): S.WITHDRAWN,
    (S.INTEREST_NEED, "withdraw", SYSTEM): S.WITHDRAWN,
    (S.INTEREST_OFFER, "withdraw", SYSTEM): S.WITHDRAWN,
    (S.MUTUALLY_ACCEPTED, "withdraw", SYSTEM): S.WITHDRAWN,
    (S.DECLINED, "reopen", SYSTEM): S.PROPOSED,     # only when an item changed since
    (S.EXPIRED, "reopen", SYSTEM): S.PROPOSED,
    (S.WITHDRAWN, "reopen", SYSTEM): S.PROPOSED,
}


class TransitionRefused(Exception):
    """The action is not allowed from the current state, for this party."""


def next_state(state: S, action: str, who: str) -> S:
    """The state after ``action`` by ``who``, or TransitionRefused."""
    try:
        return TRANSITIONS[(S(state), action, who)]
    except KeyError:
        raise TransitionRefused(f"{action} by {who} is not possible from {state}") from None


def allowed_actions(state: S, who: str) -> list[str]:
    """What ``who`` may do now."""
    return sorted({action for (s, action, w) in TRANSITIONS if s == state and w == who})
