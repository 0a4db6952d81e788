"""Proposals in the database: idempotent runs, declines, closing, the gate, decisions."""

import json
from datetime import UTC, date, datetime, timedelta

import pyotp
import pytest
import redis
from sqlalchemy import func, select

from partnership.core import events
from partnership.core.access import NotVisible
from partnership.core.models import OutboxEmail
from partnership.core.roles import Role
from partnership.core.services import ServiceError
from partnership.core.sorting import SortOrder
from partnership.extensions import db
from partnership.matching import curation, decisions, explaining, jobs, workflow
from partnership.matching.models import Match, MatchStatus
from partnership.matching.services import propose_matches, set_agreed_list_gate
from partnership.notifications.models import Notification
from partnership.organisations.models import Country, Direction, Item, ItemStatus, Kind, Status
from partnership.partnerships import services as partnerships
from partnership.partnerships.models import Partnership, PartnershipStatus

from ..conftest import log_in, post_form
from ..factories import ItemFactory, OrganisationFactory, UserFactory


@pytest.fixture
def pair(app):
    """A Ukrainian children's hospital needing paediatric rehabilitation training, and a
    Kazakh rehabilitation centre offering it (and needing child psychology, which the
    hospital offers)."""
    ua = OrganisationFactory(kind=Kind.CHILDRENS_HOSPITAL, name_en="Mykolaiv Children's")
    kz = OrganisationFactory(country=Country.KZ, kind=Kind.REHABILITATION_CENTRE,
                             name_en="Astana Rehabilitation", languages=["kk", "ru", "en"])
    need = ItemFactory(organisation=ua, direction=Direction.NEED, area="paediatric_rehabilitation",
                       urgency="high", quantity=8, languages=["uk", "en"],
                       description="training of paediatric rehabilitation therapists")
    offer = ItemFactory(organisation=kz, area="paediatric_rehabilitation", quantity=10,
                        languages=["en", "ru"],
                        description="paediatric rehabilitation therapists training course")
    ItemFactory(organisation=kz, direction=Direction.NEED, area="child_psychology",
                urgency="medium", languages=["en"])
    ItemFactory(organisation=ua, area="child_psychology", languages=["en"])
    return {"ua": ua, "kz": kz, "need": need, "offer": offer,
            "ua_manager": UserFactory(role=Role.ORG_MANAGER, organisation=ua, locale="uk"),
            "kz_manager": UserFactory(role=Role.ORG_MANAGER, organisation=kz, locale="kk"),
            "officer": UserFactory(role=Role.EMBASSY_OFFICER)}


def matches():
    return db.session.scalars(select(Match).order_by(Match.id)).all()


def the_match(pair) -> Match:
    return db.session.scalar(select(Match).where(Match.need_id == pair["need"].id,
                                                 Match.offer_id == pair["offer"].id))


def test_proposals_are_made_once(pair):
    first = propose_matches()
    db.session.commit()
    assert first.created >= 2
    match = the_match(pair)
    assert match.status == MatchStatus.PROPOSED and match.score >= 0.75
    assert match.components["reciprocity"] == 1.0
    again = propose_matches()
    db.session.commit()
    assert (again.created, again.updated, again.reopened, again.closed) == (0, 0, 0, 0)


def test_pending_and_suspended_organisations_take_no_part(pair):
    pair["kz"].status = Status.SUSPENDED
    db.session.commit()
    propose_matches()
    assert matches() == []


def test_a_declined_pair_returns_only_when_an_item_changes(pair):
    propose_matches()
    match = the_match(pair)
    decisions.decline(pair["ua_manager"], match, "We found a partner already.")
    db.session.commit()
    propose_matches()
    db.session.commit()
    assert the_match(pair).status == MatchStatus.DECLINED
    pair["offer"].quantity = 20
    pair["offer"].updated_at = pair["offer"].updated_at + timedelta(seconds=1)
    db.session.commit()
    summary = propose_matches()
    db.session.commit()
    assert summary.reopened == 1 and the_match(pair).status == MatchStatus.PROPOSED


def test_withdrawn_and_expired_items_close_their_proposals(pair):
    propose_matches()
    db.session.commit()
    pair["offer"].status = ItemStatus.WITHDRAWN
    db.session.commit()
    propose_matches()
    db.session.commit()
    assert the_match(pair).status == MatchStatus.WITHDRAWN
    pair["offer"].status = ItemStatus.ACTIVE  # renewed: the proposal comes back
    db.session.commit()
    propose_matches()
    db.session.commit()
    assert the_match(pair).status == MatchStatus.PROPOSED
    pair["need"].valid_until = date.today() - timedelta(days=1)
    db.session.commit()
    propose_matches()
    db.session.commit()
    assert the_match(pair).status == MatchStatus.EXPIRED


def test_agreed_list_gate(pair):
    pair["kz"].on_agreed_list = False
    db.session.commit()
    set_agreed_list_gate(pair["officer"], True)
    propose_matches()
    assert matches() == []
    set_agreed_list_gate(pair["officer"], False)
    propose_matches()
    assert the_match(pair) is not None


def test_recomputing_for_one_organisation(pair):
    other = OrganisationFactory(name_en="Unrelated")
    ItemFactory(organisation=other, direction=Direction.NEED, area="oncology", urgency="low")
    summary = propose_matches(pair["ua"].id)
    assert summary.created >= 1
    assert all(pair["ua"].id in (m.need_organisation_id, m.offer_organisation_id)
               for m in matches())


@pytest.mark.parametrize(("state", "action", "who"), [
    (state, action, who) for state in MatchStatus
    for action in ("interest", "decline", "vet", "hide", "unhide", "expire", "withdraw",
                   "reopen")
    for who in (workflow.NEED, workflow.OFFER, workflow.EMBASSY, workflow.SYSTEM)])
def test_match_transitions_table(state, action, who):
    expected = workflow.TRANSITIONS.get((state, action, who))
    if expected is None:
        with pytest.raises(workflow.TransitionRefused):
            workflow.next_state(state, action, who)
    else:
        assert workflow.next_state(state, action, who) == expected


def test_mutual_interest_notifies_both_and_vetting_opens_a_partnership(pair):
    propose_matches()
    match = the_match(pair)
    assert decisions.express_interest(pair["ua_manager"], match) == MatchStatus.INTEREST_NEED
    assert decisions.express_interest(pair["kz_manager"], match) == \
        MatchStatus.MUTUALLY_ACCEPTED
    db.session.commit()
    events.dispatch_pending()  # what the request's unit of work does after its commit
    recipients = set(db.session.scalars(select(OutboxEmail.recipient)))
    assert {pair["ua_manager"].email, pair["kz_manager"].email} <= recipients
    # The Kazakh side heard of the interest; the side that asked first hears that the other
    # answered (the one who answered knows), and the embassy that it may vet.
    told = {(n.user_id, n.kind) for n in db.session.scalars(select(Notification))}
    assert (pair["kz_manager"].id, "interest_received") in told
    assert (pair["ua_manager"].id, "mutual_interest") in told
    assert (pair["kz_manager"].id, "mutual_interest") not in told
    assert (pair["officer"].id, "mutual_interest_embassy") in told
    with pytest.raises(ServiceError):
        decisions.express_interest(pair["ua_manager"], match)  # not twice
    partnership = partnerships.vet_match(pair["officer"], match)
    db.session.commit()
    assert partnership.status == PartnershipStatus.FORMING
    assert partnership.ukrainian_organisation_id == pair["ua"].id
    assert partnership.reference.startswith("UA-KZ-")
    assert match.partnership_id == partnership.id and match.status == MatchStatus.VETTED
    assert [e.to_status for e in partnership.events] == ["forming"]


def test_a_second_vetted_match_joins_the_same_partnership(pair):
    propose_matches()
    first = the_match(pair)
    second = db.session.scalar(select(Match).where(Match.id != first.id))
    for match in (first, second):
        for manager in (pair["ua_manager"], pair["kz_manager"]):
            decisions.express_interest(manager, match)
        partnerships.vet_match(pair["officer"], match)
    db.session.commit()
    assert db.session.scalar(select(func.count(Partnership.id))) == 1


def test_members_see_but_only_managers_decide(pair):
    propose_matches()
    member = UserFactory(role=Role.ORG_MEMBER, organisation=pair["ua"])
    match = decisions.get_match(member, the_match(pair).id)
    with pytest.raises(ServiceError):
        decisions.express_interest(member, match)
    stranger = UserFactory(role=Role.ORG_MANAGER, organisation=OrganisationFactory())
    with pytest.raises(NotVisible):
        decisions.get_match(stranger, match.id)


def test_declining_and_hiding_need_a_reason(pair):
    propose_matches()
    match = the_match(pair)
    with pytest.raises(ServiceError):
        decisions.decline(pair["ua_manager"], match, " ")
    with pytest.raises(ServiceError):
        decisions.hide(pair["officer"], match, "")
    decisions.hide(pair["officer"], match, "The centre is being rebuilt until spring.")
    assert match.status == MatchStatus.HIDDEN
    with pytest.raises(NotVisible):
        decisions.get_match(pair["ua_manager"], match.id)  # hidden from the organisations


def test_the_embassy_proposes_by_hand_with_a_rationale(pair):
    other_offer = ItemFactory(organisation=pair["kz"], area="orthopaedics", form="training")
    match = decisions.propose_by_hand(pair["officer"], decisions.ManualProposal(
        pair["need"].id, other_offer.id, "The centre's orthopaedists also train therapists."))
    db.session.commit()
    assert match.origin == "manual" and match.status == MatchStatus.PROPOSED
    assert match.rationale.startswith("The centre")
    with pytest.raises(ServiceError):
        decisions.propose_by_hand(pair["officer"], decisions.ManualProposal(
            pair["need"].id, other_offer.id, "again"))


def test_the_proposals_page_explains_in_the_users_language(client, pair):
    propose_matches()
    pair["ua_manager"].locale = "en"
    db.session.commit()
    log_in(client, pair["ua_manager"])
    html = client.get(f"/organisations/{pair['ua'].id}/proposals",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Astana Rehabilitation" in html
    assert "Same area: Paediatric rehabilitation" in html
    assert "Mutual benefit" in html and "<meter" in html
    response = post_form(client, f"/matches/{the_match(pair).id}/interest", {})
    assert response.status_code == 302
    assert the_match(pair).status == MatchStatus.INTEREST_NEED


def test_curation_list_filters_and_runs_a_fixed_number_of_queries(app, client, pair):
    from .test_directory import count_queries

    propose_matches()
    db.session.commit()
    officer_client = app.test_client()
    secret = pyotp.random_base32()
    pair["officer"].totp_secret = secret
    db.session.commit()
    log_in(officer_client, pair["officer"], secret=secret)
    html = officer_client.get("/embassy/matches?country=UA&area=paediatric_rehabilitation"
                              ).get_data(as_text=True)
    assert "Mykolaiv Children" in html
    assert "Mykolaiv Children" not in officer_client.get(
        "/embassy/matches?country=KZ&area=paediatric_rehabilitation").get_data(as_text=True)
    few = count_queries(app, officer_client, "/embassy/matches")
    for n in range(6):
        org = OrganisationFactory(country=Country.KZ, languages=["en"])
        ItemFactory(organisation=org, area="paediatric_rehabilitation", languages=["en"],
                    description=f"course {n}")
    propose_matches()
    db.session.commit()
    assert count_queries(app, officer_client, "/embassy/matches") == few


def test_curation_filters_by_the_region_of_either_side(app, pair):
    propose_matches()
    db.session.commit()
    officer = pair["officer"]
    need_region, offer_region = pair["ua"].region, pair["kz"].region

    def shown(region):
        page = curation.curation_page(officer, curation.CurationFilter(region=region), 1)
        return {(m.need_id, m.offer_id) for m in page.items}

    ours = (pair["need"].id, pair["offer"].id)
    assert ours in shown(need_region) and ours in shown(offer_region)
    assert ours not in shown("ua_lviv") and ours not in shown("kz_almaty")
    by_offer = curation.curation_page(officer, curation.CurationFilter(), 1,
                                      sort=SortOrder("offer", descending=True, chosen=True))
    assert by_offer.total == len(matches())


def test_the_proposals_page_runs_a_fixed_number_of_queries(app, client, pair):
    """Each proposal explains itself from both organisations' items: loaded with the page,
    not once per partner (an N+1 that doubled the page's time at 10,000 organisations)."""
    from .test_directory import count_queries

    propose_matches()
    db.session.commit()
    manager = pair["ua_manager"]
    log_in(client, manager)
    path = f"/organisations/{pair['ua'].id}/proposals"
    few = count_queries(app, client, path)
    for n in range(6):
        org = OrganisationFactory(country=Country.KZ, languages=["en"])
        ItemFactory(organisation=org, area="paediatric_rehabilitation", languages=["en"],
                    description=f"paediatric rehabilitation therapists training course {n}")
        ItemFactory(organisation=org, direction=Direction.NEED, area="child_psychology",
                    languages=["en"])
    propose_matches()
    db.session.commit()
    assert len(decisions.proposals_for(manager, pair["ua"])) >= 8
    assert count_queries(app, client, path) == few


def test_cli_propose_and_export(app, pair):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["propose-matches"])
    assert result.exit_code == 0 and "new" in result.output
    exported = json.loads(runner.invoke(args=["export-matches", "--format", "json"]).output)
    record = next(r for r in exported if r["need_id"] == pair["need"].id)
    assert record["need_organisation"]["registry_code"] == pair["ua"].registry_code
    assert record["offer_organisation"]["registry_code"] == pair["kz"].registry_code
    assert record["explanation"]["matched"] and "components" in record
    assert record["status"] == "proposed"


@pytest.fixture
def redis_app(make_app, redis_url):
    """An application with a Redis queue (the test's own Redis db, emptied before and after)."""
    return make_app(REDIS_URL=redis_url)


def _burns_care_pair():
    """A Ukrainian need and a Kazakh offer in burns care, which make one proposal; the
    Ukrainian organisation."""
    ua = OrganisationFactory()
    kz = OrganisationFactory(country=Country.KZ, languages=["en"])
    ItemFactory(organisation=ua, direction=Direction.NEED, area="burns_care", urgency="high")
    ItemFactory(organisation=kz, area="burns_care")
    return ua


def test_with_redis_the_recomputation_runs_in_a_worker(redis_app):
    with redis_app.app_context():
        ua = _burns_care_pair()
        assert jobs.recompute(ua.id) == "queued"
        assert db.session.scalar(select(func.count(Match.id))) == 0
        jobs.work(burst=True)
        db.session.expire_all()
        assert db.session.scalar(select(func.count(Match.id))) == 1


def test_a_recomputation_whose_worker_died_is_queued_again_and_runs_once(redis_app,
                                                                          monkeypatch):
    """kill -9 of the worker in the middle of a job leaves it in RQ's started registry; once its
    heartbeat lapses, the registry's clean-up queues it again (not into the failed registry)."""
    import time

    from rq import SimpleWorker
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    from partnership.core.jobs import queue

    monkeypatch.setattr(jobs, "RETRY_INTERVALS", [0])  # retried at once, not 10 s later
    with redis_app.app_context():
        ua = _burns_care_pair()
        assert jobs.recompute(ua.id) == "queued"
        recomputations = queue()
        # a worker takes the job, starts it, and dies before it finishes
        doomed = SimpleWorker([recomputations], connection=recomputations.connection)
        doomed.register_birth()
        job, _ = doomed.dequeue_job_and_maintain_ttl(timeout=1)
        doomed.prepare_execution(job)
        started = StartedJobRegistry(queue=recomputations)
        assert job.id in started.get_job_ids()
        assert db.session.scalar(select(func.count(Match.id))) == 0
        # the heartbeat lapses (the job's timeout + 60 s): the next clean-up queues it again
        started.cleanup(time.time() + jobs.ORGANISATION_TIMEOUT + 61)
        assert job.id in recomputations.get_job_ids()
        assert job.id not in FailedJobRegistry(queue=recomputations).get_job_ids()
        jobs.work(burst=True)
        db.session.expire_all()
        assert db.session.scalar(select(func.count(Match.id))) == 1
        assert recomputations.count == 0 and not FailedJobRegistry(
            queue=recomputations).get_job_ids()


def test_a_worker_waits_for_redis_and_carries_on_when_it_answers(redis_app, monkeypatch):
    """Redis stopped: the worker neither dies nor spends the outbox's attempts; once Redis is
    back it dispatches what the outage left in the outbox and works the queue."""
    with redis_app.app_context():
        ua = _burns_care_pair()
        assert jobs.recompute(ua.id) == "queued"
        answers = [False, False, True]
        real_ping = redis.Redis.ping
        slept = []

        def ping(connection, **kwargs):
            if not answers.pop(0):
                raise redis.ConnectionError("Error 111 connecting. Connection refused.")
            return real_ping(connection, **kwargs)

        monkeypatch.setattr(redis.Redis, "ping", ping)
        monkeypatch.setattr(jobs.time, "sleep", slept.append)
        jobs.work(burst=True)
        assert slept == [jobs.REDIS_RETRY_SECONDS] * 2 and not answers
        db.session.expire_all()
        assert db.session.scalar(select(func.count(Match.id))) == 1


def test_a_recomputation_that_met_the_database_down_is_retried_later(redis_app, monkeypatch):
    """PostgreSQL restarting fails the job; it is retried after a pause (10, 30, 60 s) instead
    of landing in RQ's failed registry."""
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry
    from sqlalchemy.exc import OperationalError

    from partnership.core.jobs import queue

    real_propose = jobs._propose
    outage = [OperationalError("SELECT", {}, Exception("the database system is shutting down"))]

    def propose(organisation_id):
        if outage:
            raise outage.pop()
        real_propose(organisation_id)

    monkeypatch.setattr(jobs, "_propose", propose)
    with redis_app.app_context():
        ua = _burns_care_pair()
        jobs.recompute(ua.id)
        recomputations = queue()
        jobs.work(burst=True)           # the job fails: it waits for its retry, 10 s later
        [waiting] = ScheduledJobRegistry(queue=recomputations).get_job_ids()
        assert not FailedJobRegistry(queue=recomputations).get_job_ids()
        when = ScheduledJobRegistry(queue=recomputations).get_scheduled_time(waiting)
        assert 5 < (when - datetime.now(UTC)).total_seconds() <= jobs.RETRY_INTERVALS[0]
        assert jobs.queue_due_retries([recomputations]) == 0        # not yet
        later = when.timestamp() + 1
        assert jobs.queue_due_retries([recomputations], now=later) == 1
        assert jobs.queue_due_retries([recomputations], now=later) == 0   # taken once
        jobs.work(burst=True)
        db.session.expire_all()
        assert db.session.scalar(select(func.count(Match.id))) == 1


def test_an_idle_worker_queues_a_retry_when_its_time_comes(redis_app, monkeypatch):
    """Nothing else queued: the worker still wakes for its maintenance and runs the retry
    (RQ's own idle wait is 405 s; the retry sat in the registry after a load test)."""
    from datetime import timedelta as delta

    from rq.registry import ScheduledJobRegistry

    from partnership.core.jobs import queue

    monkeypatch.setattr(jobs, "MAINTENANCE_SECONDS", 1)
    with redis_app.app_context():
        ua = _burns_care_pair()
        recomputations = queue()
        job = recomputations.enqueue_in(delta(seconds=2), jobs.run_recompute, ua.id)
        assert job.id in ScheduledJobRegistry(queue=recomputations).get_job_ids()
        worker = jobs.RetryingWorker([recomputations], connection=recomputations.connection,
                                     maintenance_interval=1)
        worker.work(burst=False, max_jobs=1, max_idle_time=8)
        db.session.expire_all()
        assert db.session.scalar(select(func.count(Match.id))) == 1


def test_many_proposals_are_explained_as_each_is_alone(pair):
    """The proposals page explains its cards together, reading the organisations' current items
    as plain rows: the reasons are exactly those of one proposal explained on its own, the
    item offered back included, and a withdrawn or expired offer is never the one named."""
    # the hospital's child psychology training is withdrawn and replaced by teleconsultations;
    # an expired staff exchange in the same area stays in the register
    first = db.session.scalar(select(Item).where(Item.organisation_id == pair["ua"].id,
                                                 Item.area == "child_psychology"))
    first.status = ItemStatus.WITHDRAWN
    ItemFactory(organisation=pair["ua"], area="child_psychology", form="staff_exchange",
                valid_until=date.today() - timedelta(days=1))
    ItemFactory(organisation=pair["ua"], area="child_psychology", form="teleconsultation",
                languages=["en"])
    other = OrganisationFactory(country=Country.KZ)
    ItemFactory(organisation=other, area="paediatric_rehabilitation")
    ItemFactory(organisation=other, direction=Direction.NEED, area="psychiatry")
    propose_matches()
    db.session.commit()
    proposals = matches()
    assert len(proposals) >= 3
    batch = explaining.explanations(proposals)
    for match in proposals:
        assert batch[match.id] == explaining.explanation(match)
    matched, _missing = batch[the_match(pair).id]
    back = dict(next(details for code, details in matched if code == "reciprocity"))
    assert (back["back_area"], back["back_form"]) == ("child_psychology", "teleconsultation")
    assert explaining.explanations([]) == {}


def test_a_reason_is_put_into_words_in_each_readers_language(app):
    """Reasons are put into words once per language and kept: the same reason read in
    Ukrainian, English, Kazakh and Ukrainian again comes out in each reader's language."""
    from flask_babel import force_locale

    from partnership.matching.labels import describe

    reason = ("form_same", (("form", "training"),))
    with app.test_request_context("/"):
        said = []
        for language in ("uk", "en", "kk", "uk"):
            with force_locale(language):
                said.append(describe(reason))
    assert said[1] == "Same form of cooperation: Training or internship"
    assert said[0] == said[3] and len({said[0], said[1], said[2]}) == 3
    assert not said[0].startswith("Same") and not said[2].startswith("Same")
