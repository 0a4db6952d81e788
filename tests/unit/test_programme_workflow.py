"""The case workflow as a table: every (state, target) pair, and every guard."""

import itertools

import pytest

from partnership.programme import workflow
from partnership.programme.models import CaseState as S

ALL = workflow.Facts(True, True, True, True, True)


@pytest.mark.parametrize(("state", "target"), list(itertools.product(S, S)))
def test_table(state, target):
    allowed = target in workflow.TRANSITIONS[state]
    assert workflow.can_move(state, target) is allowed
    assert (workflow.refusals(state, target, ALL) == []) is allowed
    if not allowed:
        assert workflow.refusals(state, target, ALL) == ["not_allowed"]


def test_every_state_has_a_row_and_closed_is_final():
    assert set(workflow.TRANSITIONS) == set(S)
    assert workflow.TRANSITIONS[S.CLOSED] == ()
    assert S.CONSENT_WITHDRAWN not in itertools.chain(*workflow.TRANSITIONS.values())


def test_consent_withdrawal_reaches_every_active_state():
    ended = {S.CLOSED, S.WITHDRAWN, S.CONSENT_WITHDRAWN}
    assert set(S) - ended == workflow.CONSENT_WITHDRAWAL_FROM


def test_the_happy_path_is_in_the_table():
    path = [S.REFERRED, S.REGISTERED, S.ASSESSMENT, S.PLACEMENT_MATCHED, S.TRAVEL_READY,
            S.IN_PROGRAMME, S.COMPLETED, S.FOLLOW_UP, S.CLOSED]
    for state, target in itertools.pairwise(path):
        assert workflow.can_move(state, target), (state, target)


@pytest.mark.parametrize(("state", "target", "missing", "code"), [
    (S.ASSESSMENT, S.PLACEMENT_MATCHED, "participation_consent", "consent_participation"),
    (S.ASSESSMENT, S.PLACEMENT_MATCHED, "sharing_consent", "consent_sharing"),
    (S.PLACEMENT_MATCHED, S.TRAVEL_READY, "travel_consent", "consent_travel"),
    (S.PLACEMENT_MATCHED, S.TRAVEL_READY, "accompanying_adult", "accompanying_adult"),
    (S.PLACEMENT_MATCHED, S.TRAVEL_READY, "placed", "placed"),
    (S.TRAVEL_READY, S.IN_PROGRAMME, "placed", "placed"),
    (S.TRAVEL_READY, S.IN_PROGRAMME, "participation_consent", "consent_participation"),
])
def test_guards(state, target, missing, code):
    facts = workflow.Facts(**{**ALL.__dict__, missing: False})
    assert workflow.refusals(state, target, facts) == [code]


def test_states_without_guards_need_nothing():
    nothing = workflow.Facts()
    assert workflow.refusals(S.REFERRED, S.REGISTERED, nothing) == []
    assert workflow.refusals(S.IN_PROGRAMME, S.WITHDRAWN, nothing) == []


# --- what a consent withdrawal stops ------------------------------------------------------

ACTIVE_UNPLACED = [S.REFERRED, S.REGISTERED, S.ASSESSMENT, S.COMPLETED, S.FOLLOW_UP,
                   S.ON_HOLD]
PLACED = [S.PLACEMENT_MATCHED, S.TRAVEL_READY, S.IN_PROGRAMME]


@pytest.mark.parametrize("state", sorted(workflow.CONSENT_WITHDRAWAL_FROM))
def test_withdrawal_stops_every_active_state_without_participation(state):
    facts = workflow.Facts(**{**ALL.__dict__, "participation_consent": False,
                              "placed": state in PLACED})
    assert workflow.consents_needed(state, facts)[0] == "consent_participation"
    assert workflow.withdrawal_stops(state, facts) is True


@pytest.mark.parametrize(("state", "placed", "missing", "stops"), [
    *[(state, False, "sharing_consent", False) for state in ACTIVE_UNPLACED],
    *[(state, True, "sharing_consent", True) for state in PLACED],
    (S.ASSESSMENT, False, "travel_consent", False),
    (S.PLACEMENT_MATCHED, True, "travel_consent", False),
    (S.TRAVEL_READY, True, "travel_consent", True),
    (S.IN_PROGRAMME, True, "travel_consent", True),
    (S.COMPLETED, False, "travel_consent", False),
    *[(state, state in PLACED, "accompanying_adult", False)
      for state in sorted(workflow.CONSENT_WITHDRAWAL_FROM)],
])
def test_withdrawal_stops_only_what_the_state_needs(state, placed, missing, stops):
    facts = workflow.Facts(**{**ALL.__dict__, "placed": placed, missing: False})
    assert workflow.withdrawal_stops(state, facts) is stops


def test_photos_only_withdrawal_stops_nothing():
    for state in workflow.CONSENT_WITHDRAWAL_FROM:
        assert workflow.withdrawal_stops(state, ALL) is False


@pytest.mark.parametrize("state", [S.WITHDRAWN, S.CONSENT_WITHDRAWN, S.CLOSED])
def test_ended_cases_are_not_stopped_again(state):
    assert workflow.withdrawal_stops(state, workflow.Facts()) is False
