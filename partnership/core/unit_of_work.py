"""One unit of work per request, command and job: the only place that commits.

Services change ``db.session`` and never commit. When a request ends, ``finish`` commits if the
request succeeded (a status below 400, a method that may write, and nothing marked it failed)
and rolls back otherwise; after a successful commit it dispatches the domain events the unit
recorded (``core.events``): in a request, on a thread of their own while the response goes out
(telling people never slows the page), then the e-mails the handlers queued. CLI commands
(``transactional``) and background jobs (``job``) end the same way. A safe request (GET, HEAD,
OPTIONS) writes nothing: its changes are rolled back, and with ``STRICT_SAFE_METHODS`` (the
tests) a flush during one fails loudly.

What must be written whatever happens to the unit (the server-side session's touch, an import's
progress, the audit record of a read on a GET) goes through ``apart``: a short transaction on its
own connection. ``on_rollback`` undoes what is not in the database (a stored file) when the
session rolls back; ``after_commit`` runs a follow-up only once the unit has committed.

A view marks a refused service call with ``fail`` (``attempt`` and ``show_error`` do it), or
starts over with ``discard`` when something after the refusal must still be kept.
"""

import atexit
import functools
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

log = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The outbox's dispatch, plugged in by ``core.events`` when it is imported: events build on this
# module (``step``, ``discard``), so this one does not import them back.
_dispatchers: dict[str, Callable] = {}


def dispatch_with(dispatch: Callable[[list[int]], object],
                  dispatch_pending: Callable[[], object]) -> None:
    """Name the functions that hand committed events to their handlers."""
    _dispatchers.update(dispatch=dispatch, pending=dispatch_pending)


def send_mail_with(send_pending: Callable[[], object]) -> None:
    """Name the function that sends the outbox's e-mails (``core.security`` plugs in
    ``core.mail``'s): the handlers run after a response send what they queued."""
    _dispatchers["mail"] = send_pending


class WriteOnSafeRequest(RuntimeError):
    """A GET (or HEAD) request tried to write to the database."""


def fail() -> None:
    """Mark the current unit failed: it ends with a rollback even if the page answers 200."""
    g.unit_failed = True


def failed() -> bool:
    """Whether the current unit has been marked failed."""
    return bool(g.get("unit_failed"))


def on_rollback(callback: Callable[[], object]) -> None:
    """Run ``callback`` if what the session holds now is rolled back, by whatever means (a
    stored file whose row does not commit is deleted, for instance); forgotten on commit."""
    db.session.info.setdefault("on_rollback", []).append(callback)


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the unit has committed (and not at all if it rolls back)."""
    db.session.info.setdefault("after_commit", []).append(callback)


def _forget_rollback_work(session, _transaction=None) -> None:
    session.info.pop("on_rollback", None)


def _rolled_back(session, previous_transaction) -> None:
    if previous_transaction.nested:
        return  # a savepoint: its own rows went, the unit goes on
    session.info.pop("outbox_events", None)
    session.info.pop("after_commit", None)
    for callback in session.info.pop("on_rollback", []):
        try:
            callback()
        except Exception:  # noqa: BLE001 - the rollback stands; the leftover is logged
            log.exception("a clean-up after a rollback failed")


def discard() -> None:
    """Roll back what the unit has done so far; what follows still commits (a refused password
    is still recorded, for instance). Forgets the events recorded so far."""
    db.session.rollback()
    g.pop("unit_failed", None)


def abandon() -> None:
    """Roll back now and keep the unit failed (a service refused, or an error page follows)."""
    discard()
    fail()


def finish(succeeded: bool) -> bool:
    """The commit point: commit and dispatch the unit's events, or roll back. Returns whether
    it committed."""
    session = db.session
    if not succeeded or failed():
        session.rollback()
        g.pop("unit_failed", None)
        return False
    # An event recorded inside a savepoint that was rolled back has left the session.
    recorded = [e for e in session.info.pop("outbox_events", []) if e in session]
    then = session.info.pop("after_commit", [])
    try:
        if recorded:
            session.flush()
        event_ids = [e.id for e in recorded]
        session.commit()
    except BaseException:
        session.rollback()
        raise
    # The unit has committed: what follows may fail without undoing it (an event not handed
    # over stays in the outbox for the next dispatch).
    if event_ids and has_request_context() and current_app.config["EVENTS_AFTER_RESPONSE"]:
        g.events_after_response = event_ids       # ``_request_ends`` hands them over
        event_ids = []
    try:
        if event_ids and "dispatch" in _dispatchers:
            _dispatchers["dispatch"](event_ids)
        for callback in then:
            callback()
    except Exception:  # noqa: BLE001 - the change holds; the worker or a command catches up
        log.exception("after the commit: dispatching or a follow-up failed")
        db.session.rollback()
    return True


@contextmanager
def step() -> Iterator[None]:
    """One small unit inside a loop of independent ones (sending each e-mail, running each
    event handler): commit at the end of the block, roll back if it raises."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


@contextmanager
def apart() -> Iterator[Session]:
    """A short transaction on a connection of its own, committed at the end of the block and
    independent of the unit of work (the session's touch, progress of a long job)."""
    with Session(db.engine, expire_on_commit=False) as session, session.begin():
        session.info["apart"] = True
        yield session


def in_safe_request() -> bool:
    """Whether this is a GET, HEAD or OPTIONS request (which writes nothing of its own)."""
    return has_request_context() and request.method in SAFE_METHODS


def keep_read(row) -> None:
    """The audit record of a read (``row``, just added): on a safe request it is written apart,
    since the request's own unit writes nothing; otherwise it goes with the unit."""
    if not in_safe_request():
        return
    db.session.expunge(row)
    with apart() as session:
        session.add(row)


def transactional(callback: Callable) -> Callable:
    """Run a CLI command as one unit of work: commit when it returns, roll back when it raises
    (a ``click`` error included)."""

    @functools.wraps(callback)
    def run(*args, **kwargs):
        g.pop("unit_failed", None)
        try:
            result = callback(*args, **kwargs)
        except BaseException:
            finish(False)
            raise
        finish(True)
        return result

    return run


def job(function: Callable) -> Callable:
    """Run a background job as one unit of work, as ``transactional`` does for commands; then
    dispatch the events an earlier crash left behind (the worker picks them up)."""
    unit = transactional(function)

    @functools.wraps(function)
    def run(*args, **kwargs):
        result = unit(*args, **kwargs)
        if "pending" in _dispatchers:
            _dispatchers["pending"]()
        return result

    return run


def _request_ends(response):
    succeeded = response.status_code < 400 and request.method not in SAFE_METHODS
    if g.pop("wrote_on_safe_request", None):
        db.session.rollback()
        # Raised here, after the view, so no error page can swallow it: the test fails.
        raise WriteOnSafeRequest(f"{request.method} {request.path} tried to write")
    try:
        finish(succeeded)
    except Exception as error:  # noqa: BLE001 - a failed commit fails the request: its page
        return current_app.make_response(current_app.handle_user_exception(error))
    event_ids = g.pop("events_after_response", None)
    if event_ids and "dispatch" in _dispatchers:
        _handlers_later.put((current_app._get_current_object(), event_ids))
    return response


class _Later:
    """The handlers of committed requests' events, run by one thread of this process, in the
    order the requests committed, while their responses go out: telling people never slows a
    page. Each step commits on its own (``core.events.dispatch``); the e-mails the handlers
    queue are sent after them when mail goes out inline. What a stopped process leaves here is
    still in the outbox: the worker or ``flask dispatch-events`` hands it over."""

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def put(self, work: tuple[Flask, list[int]]) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="event-handlers",
                                                daemon=True)
                self._thread.start()
        self._queue.put(work)

    def wait(self, timeout: float = 30) -> bool:
        """Block until everything handed over so far has run (tests, and a process that
        stops); returns whether it has."""
        deadline = time.monotonic() + timeout
        with self._queue.all_tasks_done:
            while self._queue.unfinished_tasks:
                left = deadline - time.monotonic()
                if left <= 0 or not self._queue.all_tasks_done.wait(left):
                    return not self._queue.unfinished_tasks
        return True

    def _run(self) -> None:
        while True:
            app, event_ids = self._queue.get()
            try:
                with app.app_context():
                    try:
                        _dispatchers["dispatch"](event_ids)
                        if app.config["MAIL_SEND_INLINE"] and "mail" in _dispatchers:
                            _dispatchers["mail"]()
                    finally:
                        db.session.remove()
            except Exception:  # noqa: BLE001 - the outbox keeps what was not handed over
                log.exception("after the response: dispatching events %s failed", event_ids)
            finally:
                self._queue.task_done()


_handlers_later = _Later()
wait_for_handlers = _handlers_later.wait
atexit.register(_handlers_later.wait, 10)


def _refuse_writes_on_safe_requests(session, _flush_context, _instances) -> None:
    if session.info.get("apart") or not has_request_context():
        return
    if (request.method in SAFE_METHODS and current_app.config.get("STRICT_SAFE_METHODS")
            and (session.new or session.dirty or session.deleted)):
        g.wrote_on_safe_request = True
        raise WriteOnSafeRequest(f"{request.method} {request.path} tried to write")


def init_app(app: Flask) -> None:
    """Make every request one unit of work. Register it after the other ``after_request``
    hooks: it then runs first, so they see the committed (or refused) outcome."""
    app.after_request(_request_ends)
    if not getattr(init_app, "listening", False):
        event.listen(Session, "before_flush", _refuse_writes_on_safe_requests)
        event.listen(Session, "after_commit", _forget_rollback_work)
        event.listen(Session, "after_soft_rollback", _rolled_back)
        init_app.listening = True

