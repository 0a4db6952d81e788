"""A group never goes over capacity, even when coordinators place children at the same moment:
N threads, each with its own application context, session and connection, wait at a barrier
and then place N different children into a group of k < N places. Runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL."""

import threading

from flask_babel import force_locale
from sqlalchemy import func, select

from partnership.extensions import db
from partnership.programme import cases, placements
from partnership.programme.models import CaseState, Group, Placement

from .. import factories_programme as fp

THREADS = 8
CAPACITY = 3


def test_capacity_holds_under_concurrent_placements(app):
    actor = fp.coordinator()
    group = fp.centre_with_group(actor, capacity=CAPACITY)[1]
    case_ids = [fp.to_assessment(actor, fp.new_case(actor)).id for _ in range(THREADS)]
    actor_id, group_id = actor.id, group.id
    db.session.remove()
    barrier = threading.Barrier(THREADS)
    results: dict[int, str] = {}

    def place(case_id: int) -> None:
        from partnership.auth.models import User

        with app.app_context(), force_locale("en"):
            user = db.session.get(User, actor_id)
            case = cases.get_case(user, case_id)
            cases.facts(case)  # load what the guards read before the race starts
            barrier.wait(timeout=30)
            try:
                placements.place_child(user, case, group_id)
                db.session.commit()
                results[case_id] = "placed"
            except placements.GroupFull as error:
                db.session.rollback()
                results[case_id] = str(error.message)
            except Exception as error:  # noqa: BLE001 - reported below, not swallowed
                db.session.rollback()
                results[case_id] = f"unexpected {type(error).__name__}: {error}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=place, args=(case_id,)) for case_id in case_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    outcomes = sorted(results.values())
    assert len(outcomes) == THREADS, results
    assert outcomes.count("placed") == CAPACITY, outcomes
    assert outcomes.count("The group is full: choose another group.") == THREADS - CAPACITY, \
        outcomes
    assert db.session.get(Group, group_id).placed_count == CAPACITY
    assert db.session.scalar(select(func.count(Placement.id))) == CAPACITY
    placed_states = db.session.scalars(select(cases.ChildCase.state)).all()
    assert placed_states.count(CaseState.PLACEMENT_MATCHED) == CAPACITY


def test_the_database_refuses_a_count_over_capacity(app):
    """The CHECK constraint is the last line of defence, whatever the code does."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    group = fp.centre_with_group(fp.coordinator(), capacity=2)[1]
    group.placed_count = 3
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    group = db.session.get(Group, group.id)
    group.placed_count = -1
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
