"""The life of a child's case, as one table: state -> states the coordinator may move it to,
and the guards each target state needs. Pure: no Flask, no database.

``consent_withdrawn`` is not in the table: it is reached only by withdrawing a consent, from
any active state (``CONSENT_WITHDRAWAL_FROM``), never by a button, and only when no valid
consent still covers what the state needs (``withdrawal_stops``).
"""

from dataclasses import dataclass

from .models import CaseState as S

TRANSITIONS: dict[S, tuple[S, ...]] = {
    S.REFERRED: (S.REGISTERED, S.ON_HOLD, S.WITHDRAWN),
    S.REGISTERED: (S.ASSESSMENT, S.ON_HOLD, S.WITHDRAWN),
    S.ASSESSMENT: (S.PLACEMENT_MATCHED, S.ON_HOLD, S.WITHDRAWN),
    S.PLACEMENT_MATCHED: (S.TRAVEL_READY, S.ASSESSMENT, S.ON_HOLD, S.WITHDRAWN),
    S.TRAVEL_READY: (S.IN_PROGRAMME, S.PLACEMENT_MATCHED, S.ON_HOLD, S.WITHDRAWN),
    S.IN_PROGRAMME: (S.COMPLETED, S.WITHDRAWN),
    S.COMPLETED: (S.FOLLOW_UP, S.CLOSED),
    S.FOLLOW_UP: (S.CLOSED,),
    S.ON_HOLD: (S.REGISTERED, S.ASSESSMENT, S.WITHDRAWN),
    S.WITHDRAWN: (S.CLOSED,),
    S.CONSENT_WITHDRAWN: (S.CLOSED,),
    S.CLOSED: (),
}

CONSENT_WITHDRAWAL_FROM = frozenset(
    {S.REFERRED, S.REGISTERED, S.ASSESSMENT, S.PLACEMENT_MATCHED, S.TRAVEL_READY,
     S.IN_PROGRAMME, S.COMPLETED, S.FOLLOW_UP, S.ON_HOLD})

# Leaving the group: these states end a current placement and free its seat.
ENDS_PLACEMENT = frozenset({S.ASSESSMENT, S.ON_HOLD, S.WITHDRAWN, S.COMPLETED,
                            S.CONSENT_WITHDRAWN, S.CLOSED})
# Entered through the placement form, which places the child in a group; a button may move
# a case back to it only when the child still has its place (from travel_ready).
NEEDS_PLACEMENT_FORM = frozenset({S.PLACEMENT_MATCHED})
ACTIVE = CONSENT_WITHDRAWAL_FROM


@dataclass(frozen=True)
class Facts:
    """What the guards look at, read from the case by the service."""

    participation_consent: bool = False
    travel_consent: bool = False
    sharing_consent: bool = False
    accompanying_adult: bool = False
    placed: bool = False


# target -> [(guard code, test)]: every test must hold to enter the target state.
GUARDS = {
    S.PLACEMENT_MATCHED: [
        ("consent_participation", lambda f: f.participation_consent),
        ("consent_sharing", lambda f: f.sharing_consent),
    ],
    S.TRAVEL_READY: [
        ("placed", lambda f: f.placed),
        ("consent_travel", lambda f: f.travel_consent),
        ("accompanying_adult", lambda f: f.accompanying_adult),
    ],
    S.IN_PROGRAMME: [
        ("placed", lambda f: f.placed),
        ("consent_participation", lambda f: f.participation_consent),
    ],
}


# From travel_ready until the programme ends, the child travels: consent to travel is needed.
TRAVELLING = frozenset({S.TRAVEL_READY, S.IN_PROGRAMME})


def consents_needed(state: S, facts: Facts) -> list[str]:
    """The consents the case's current state cannot go on without (guard codes): participation
    always; sharing with the centre while placed; travel from travel_ready on."""
    if S(state) not in CONSENT_WITHDRAWAL_FROM:
        return []
    needed = [("consent_participation", facts.participation_consent)]
    if facts.placed:
        needed.append(("consent_sharing", facts.sharing_consent))
    if S(state) in TRAVELLING:
        needed.append(("consent_travel", facts.travel_consent))
    return [code for code, held in needed if not held]


def withdrawal_stops(state: S, facts: Facts) -> bool:
    """Whether a case in ``state`` must stop, given the consents still valid after a withdrawal
    (``facts`` read after it): only when something its state needs is no longer covered."""
    return bool(consents_needed(state, facts))


def can_move(state: S, target: S) -> bool:
    return S(target) in TRANSITIONS[S(state)]


def refusals(state: S, target: S, facts: Facts) -> list[str]:
    """Why the case cannot move from ``state`` to ``target`` now: guard codes, or
    ``not_allowed``; an empty list means it may."""
    if not can_move(state, target):
        return ["not_allowed"]
    return [code for code, holds in GUARDS.get(S(target), ()) if not holds(facts)]
