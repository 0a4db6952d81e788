"""The memorandum's transitions table, tested as a table."""

import pytest

from partnership.memoranda import workflow
from partnership.memoranda.models import MemorandumState as S

ACTIONS = ("submit", "return", "agree", "sign", "supersede", "terminate")
EXPECTED = {
    (S.DRAFT, "submit"): S.IN_REVIEW, (S.DRAFT, "terminate"): S.TERMINATED,
    (S.IN_REVIEW, "return"): S.DRAFT, (S.IN_REVIEW, "agree"): S.AGREED,
    (S.IN_REVIEW, "terminate"): S.TERMINATED,
    (S.AGREED, "sign"): S.SIGNED, (S.AGREED, "supersede"): S.SUPERSEDED,
    (S.AGREED, "terminate"): S.TERMINATED,
    (S.SIGNED, "supersede"): S.SUPERSEDED, (S.SIGNED, "terminate"): S.TERMINATED,
}


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_and_action(state, action):
    if (state, action) in EXPECTED:
        assert workflow.next_state(state, action) == EXPECTED[(state, action)]
    else:
        with pytest.raises(workflow.IllegalMove) as error:
            workflow.next_state(state, action)
        assert action in str(error.value) and str(state) in str(error.value)


def test_ended_states_allow_nothing():
    assert workflow.allowed(S.SUPERSEDED) == () and workflow.allowed(S.TERMINATED) == ()


def test_only_drafts_and_reviews_are_editable_and_only_reviews_approvable():
    assert set(workflow.EDITABLE) == {S.DRAFT, S.IN_REVIEW}
    assert set(workflow.APPROVABLE) == {S.IN_REVIEW}
    assert not set(workflow.EDITABLE) & set(workflow.FROZEN)
