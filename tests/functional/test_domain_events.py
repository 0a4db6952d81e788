"""Domain events and their transactional outbox (issue 11, item 2): written with the change,
dispatched after commit, and delivered exactly once even when the dispatch breaks off."""

import json
import threading

import pyotp
import pytest
from sqlalchemy import func, select

from partnership.core import events, unit_of_work
from partnership.core.events import HandledEvent, OrganisationDecided, OutboxEvent
from partnership.core.models import OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching import jobs
from partnership.matching.models import Match
from partnership.matching.services import propose_matches
from partnership.organisations import demo
from partnership.organisations.models import Country, Organisation, Status
from partnership.programme.models import CaseState

from .. import factories_programme as fp
from ..conftest import csrf_token, log_in, post_form
from ..factories import UserFactory


def officer(client):
    secret = pyotp.random_base32()
    user = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret)
    assert log_in(client, user, secret=secret).status_code == 302
    return user


def stored() -> dict:
    db.session.expire_all()
    return {(m.need_id, m.offer_id): (str(m.status), round(m.score, 9))
            for m in db.session.scalars(select(Match))}


def proposals_of(organisation_id: int) -> int:
    return db.session.scalar(select(func.count(Match.id)).where(
        (Match.need_organisation_id == organisation_id)
        | (Match.offer_organisation_id == organisation_id)))


def mails_to(address: str) -> int:
    return db.session.scalar(select(func.count(OutboxEmail.id))
                             .where(OutboxEmail.recipient == address))


@pytest.fixture
def pending(app):
    """Verified organisations with proposals, and one pending organisation with a manager."""
    demo.generate(16, seed=5)
    db.session.commit()
    organisation = db.session.scalars(select(Organisation).where(
        Organisation.country == Country.KZ).order_by(Organisation.id)).first()
    organisation.status = Status.PENDING
    db.session.commit()
    propose_matches(None)
    db.session.commit()
    assert proposals_of(organisation.id) == 0
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=organisation,
                          email="manager@pending.example")
    return organisation, manager


def dispatch_command(app):
    return app.test_cli_runner().invoke(args=["dispatch-events"])


def test_a_dispatch_killed_after_the_commit_delivers_the_event_later_exactly_once(
        app, client, pending, monkeypatch):
    organisation, manager = pending
    officer(client)
    real = jobs.recompute

    def crash(*_args, **_kwargs):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(jobs, "recompute", crash)  # the first handler of the event
    response = post_form(client, f"/embassy/organisations/{organisation.id}/decide/verify",
                         {"reason": ""})
    assert response.status_code == 302  # the decision itself is committed
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).status == Status.VERIFIED
    event = db.session.scalars(select(OutboxEvent)
                               .where(OutboxEvent.kind == "organisation.decided")).one()
    assert event.dispatched_at is None and event.attempts == 1
    assert "the process died here" in event.last_error
    assert proposals_of(organisation.id) == 0 and mails_to(manager.email) == 0

    monkeypatch.setattr(jobs, "recompute", real)
    result = dispatch_command(app)
    assert result.exit_code == 0 and "1 event(s) dispatched" in result.output
    db.session.expire_all()
    assert db.session.get(OutboxEvent, event.id).dispatched_at is not None
    assert proposals_of(organisation.id) > 0  # the recomputation ran
    now = stored()
    propose_matches(None)
    db.session.commit()
    assert stored() == now  # and made what a full run makes
    assert mails_to(manager.email) == 1  # the e-mail went out once

    result = dispatch_command(app)  # again: nothing left, nothing twice
    assert "0 event(s) dispatched" in result.output
    assert mails_to(manager.email) == 1


def test_a_retry_skips_the_handlers_that_already_ran(app, client, pending, monkeypatch):
    organisation, manager = pending
    officer(client)
    ran = []

    def flaky(event, _batch):
        ran.append(event.organisation_id)
        if len(ran) == 1:
            raise RuntimeError("after the e-mail, before the end")

    handlers = dict(events.HANDLERS)
    handlers[OrganisationDecided] = [*events.HANDLERS[OrganisationDecided], flaky]
    monkeypatch.setattr(events, "HANDLERS", handlers)
    post_form(client, f"/embassy/organisations/{organisation.id}/decide/verify", {"reason": ""})
    event = db.session.scalars(select(OutboxEvent)
                               .where(OutboxEvent.kind == "organisation.decided")).one()
    assert event.dispatched_at is None
    assert mails_to(manager.email) == 1
    done = set(db.session.scalars(select(HandledEvent.handler)
                                  .where(HandledEvent.event_id == event.id)))
    assert done == {"partnership.handlers.recompute_proposals",
                    "partnership.handlers.tell_managers_of_decision"}

    assert events.dispatch_pending() == 1
    assert ran == [organisation.id, organisation.id]
    assert mails_to(manager.email) == 1
    assert db.session.scalar(select(func.count(HandledEvent.id))
                             .where(HandledEvent.event_id == event.id)) == 3


def decided_event() -> OutboxEvent:
    db.session.expire_all()
    return db.session.scalars(select(OutboxEvent)
                              .where(OutboxEvent.kind == "organisation.decided")).one()


def slow_handler(monkeypatch):
    """A handler of the verification that waits until the test lets it go."""
    started, release = threading.Event(), threading.Event()

    def slow(_event, _batch):
        started.set()
        assert release.wait(10), "the test never let the handler go"

    handlers = dict(events.HANDLERS)
    handlers[OrganisationDecided] = [slow, *events.HANDLERS[OrganisationDecided]]
    monkeypatch.setattr(events, "HANDLERS", handlers)
    return started, release


def test_a_slow_handler_does_not_slow_the_request(app, client, pending, monkeypatch):
    """Telling people never slows the page: the response is back while a handler still runs;
    the rest of the handlers (and their e-mail) follow."""
    organisation, manager = pending
    officer(client)
    started, release = slow_handler(monkeypatch)
    data = {"csrf_token": csrf_token(client), "reason": ""}
    monkeypatch.setattr(unit_of_work, "wait_for_handlers", lambda: True)   # look at once
    response = client.post(f"/embassy/organisations/{organisation.id}/decide/verify", data=data)
    assert response.status_code == 302
    assert started.wait(10)              # the handler has begun and has not finished
    assert decided_event().payload["status"] == "verified"
    assert decided_event().dispatched_at is None and mails_to(manager.email) == 0
    release.set()
    assert unit_of_work._handlers_later.wait()
    assert decided_event().dispatched_at is not None
    assert proposals_of(organisation.id) > 0
    mail = db.session.scalars(select(OutboxEmail)
                              .where(OutboxEmail.recipient == manager.email)).one()
    assert mail.sent_at is not None      # and the e-mail it queued went out


def test_with_events_before_the_response_the_page_waits_for_the_handlers(
        make_app, pending, monkeypatch):
    app = make_app(EVENTS_AFTER_RESPONSE=False)
    client = app.test_client()
    organisation, manager = pending
    started, release = slow_handler(monkeypatch)
    release.set()
    with app.app_context():
        officer(client)
        monkeypatch.setattr(unit_of_work, "wait_for_handlers", lambda: True)
        post_form(client, f"/embassy/organisations/{organisation.id}/decide/verify",
                  {"reason": ""})
        assert started.is_set()
        assert decided_event().dispatched_at is not None
        assert mails_to(manager.email) == 1


def test_an_event_is_written_with_its_change_and_not_without_it(app, client, pending):
    organisation, _manager = pending
    officer(client)
    # Refused (a rejection needs a reason): neither the change nor its event is stored.
    response = post_form(client, f"/embassy/organisations/{organisation.id}/decide/reject",
                         {"reason": ""})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(OutboxEvent.id))) == 0
    response = post_form(client, f"/embassy/organisations/{organisation.id}/decide/reject",
                         {"reason": "Not a hospital."})
    event = db.session.scalars(select(OutboxEvent)).one()
    assert event.kind == "organisation.decided" and event.dispatched_at is not None
    assert event.payload == {"organisation_id": organisation.id, "action": "reject",
                             "status": "rejected", "reason": "Not a hospital."}
    assert isinstance(events.load(event), OrganisationDecided)


def test_events_about_children_carry_the_case_code_only(app):
    actor = fp.coordinator()
    group = fp.centre_with_group(actor, capacity=3)[1]
    case = fp.placed_case(actor, group, document=fp.PDF)
    fp.walk(actor, case, CaseState.WITHDRAWN)
    rows = list(db.session.scalars(select(OutboxEvent)
                                   .where(OutboxEvent.kind == "child_case.changed")))
    changes = [row.payload["change"] for row in rows]
    assert "referred" in changes and "placed" in changes and "state" in changes
    assert "consent_recorded" in changes
    for row in rows:
        # The acting staff member's account id (so they are not told of their own step).
        assert set(row.payload) == {"case_code", "change", "state", "actor_id"}
        assert row.payload["case_code"] == case.code
        assert row.payload["actor_id"] in (actor.id, None)
    everything = json.dumps([r.payload for r in db.session.scalars(select(OutboxEvent))],
                            ensure_ascii=False)
    for secret in (fp.SURNAME, fp.FIRST_NAME, fp.DOCUMENT, "2014-05-02", "Olena"):
        assert secret not in everything


def test_adding_a_handler_is_one_registration(app, monkeypatch):
    monkeypatch.setattr(events, "HANDLERS", {k: list(v) for k, v in events.HANDLERS.items()})
    heard = []

    @events.handles(events.ChildCaseChanged)
    def listen(event, _batch):
        heard.append(event.case_code)

    actor = fp.coordinator()
    case = fp.new_case(actor)
    db.session.commit()  # a test's own commit: dispatch by hand
    assert events.dispatch_pending() >= 1
    assert heard == [case.code]
