"""One number that grows with each change of the proposals: ``proposal_generation`` (migration
0028), under which the proposals pages are kept rendered (``page_cache``).

A transaction that changes a proposal or a matching setting adds one to it just before its
commit, whatever made the change:

- an ORM flush of a ``Match`` or a ``MatchingSetting`` (a decision, the embassy's vetting or
  hiding, a proposal by hand, the agreed-list gate);
- a statement the session executes on their tables (a matching run's updates and closings);
- the rows a matching run inserts without the session (``bulk.insert_rows``): it says so with
  ``note``.

Like ``search_generation``, the row is taken as late as possible, so a long transaction does not
hold it while it works, and a rolled-back transaction counts nothing.
"""

from sqlalchemy import BigInteger, Integer, column, event, select, table, update
from sqlalchemy.orm import ORMExecuteState, Session

from .models import Match, MatchingSetting

proposal_generation = table("proposal_generation", column("id", Integer),
                            column("value", BigInteger))

FOLLOWED = (Match, MatchingSetting)
FOLLOWED_TABLES = frozenset(model.__tablename__ for model in FOLLOWED)
_CHANGED = "proposals_changed"


def note(session: Session) -> None:
    """This transaction changed proposals in a way the session did not see."""
    session.info[_CHANGED] = True


def generation(connection) -> int | None:
    """The proposals' current generation (None where the row is missing)."""
    return connection.execute(select(proposal_generation.c.value)
                              .where(proposal_generation.c.id == 1)).scalar()


def _flushed(session: Session, _flush_context) -> None:
    if any(isinstance(row, FOLLOWED)
           for rows in (session.new, session.dirty, session.deleted) for row in rows):
        note(session)


def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        target = getattr(state.statement, "table", None)
        if getattr(target, "name", None) in FOLLOWED_TABLES:
            note(state.session)


def _before_commit(session: Session) -> None:
    session.flush()   # what is still pending may be a change of a proposal
    if session.info.pop(_CHANGED, False):
        session.execute(update(proposal_generation).where(proposal_generation.c.id == 1)
                        .values(value=proposal_generation.c.value + 1))


def _forget(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_CHANGED, None)


def follow_changes() -> None:
    """Count every change of the proposals, in the transaction that makes it."""
    if getattr(follow_changes, "listening", False):
        return
    event.listen(Session, "after_flush", _flushed)
    event.listen(Session, "do_orm_execute", _executed)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_soft_rollback", _forget)
    follow_changes.listening = True
