"""A background job that failed every attempt reaches the administrator: counted on "My work",
listed (kind of error only) on the scheduled-jobs page, run again or removed from there."""


import pyotp
import pytest
from sqlalchemy import func, select

from partnership.core import jobs as background
from partnership.core.models import AuditEvent
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching import jobs as matching_jobs
from partnership.matching.models import Match
from partnership.organisations.models import Country, Direction

from ..conftest import log_in, post_form
from ..factories import ItemFactory, OrganisationFactory, UserFactory
from .test_my_work import entries

SECRET_NAME = "Mariia Koval"  # what an error message could quote from a row


@pytest.fixture
def redis_app(make_app, redis_url):
    app = make_app(REDIS_URL=redis_url)
    with app.app_context():
        yield app


@pytest.fixture
def failed(redis_app, monkeypatch):
    """A recomputation for a Ukrainian organisation that failed (no retries left)."""
    ua = OrganisationFactory()
    kz = OrganisationFactory(country=Country.KZ, languages=["en"])
    ItemFactory(organisation=ua, direction=Direction.NEED, area="burns_care", urgency="high")
    ItemFactory(organisation=kz, area="burns_care")
    db.session.commit()

    def broken(_organisation_id):
        raise RuntimeError(f"row of {SECRET_NAME}")

    monkeypatch.setattr(matching_jobs, "_propose", broken)
    background.queue().enqueue(matching_jobs.run_recompute, ua.id)
    matching_jobs.work(burst=True)
    monkeypatch.undo()
    return ua


def _admin_client(app):
    secret = pyotp.random_base32()
    admin = UserFactory(role=Role.ADMIN, totp_secret=secret)
    db.session.commit()
    client = app.test_client()
    log_in(client, admin, secret=secret)
    return client


def test_the_failed_job_is_listed_without_its_message(redis_app, failed):
    [job] = background.failed_jobs()
    assert job.error == "RuntimeError" and job.failed_at is not None
    client = _admin_client(redis_app)
    found = entries(client)["background_jobs_failed"]
    assert found["count"] == 1 and found["href"] == "/admin/scheduled-jobs#failed-jobs"
    page = client.get("/admin/scheduled-jobs").get_data(as_text=True)
    assert f"Recompute the proposals of organisation no. {failed.id}" in page
    assert "<code>RuntimeError</code>" in page and SECRET_NAME not in page
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "kk"
    page = client.get("/admin/scheduled-jobs").get_data(as_text=True)
    assert f"№\u00a0{failed.id} ұйымның ұсынымдарын қайта есептеу" in page


def test_run_again_queues_it_and_it_leaves_my_work(redis_app, failed):
    [job] = background.failed_jobs()
    client = _admin_client(redis_app)
    response = post_form(client, f"/admin/failed-jobs/{job.id}/run-again", {},
                         follow_redirects=True)
    assert "The job is queued again." in response.get_data(as_text=True)
    assert background.failed_jobs() == [] and background.queue().count == 1
    matching_jobs.work(burst=True)  # the cause is mended: this time it proposes
    assert db.session.scalar(select(func.count(Match.id))) == 1
    assert "background_jobs_failed" not in entries(client)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "job.run_again")
                             ).object_id == job.id


def test_remove_asks_first_then_forgets_it(redis_app, failed):
    [job] = background.failed_jobs()
    client = _admin_client(redis_app)
    path = f"/admin/failed-jobs/{job.id}/remove"
    page = client.get("/admin/scheduled-jobs").get_data(as_text=True)
    assert f'action="{path}"' in page and "data-confirm=" in page
    asked = post_form(client, path, {"confirm_text": "Remove?"})
    assert asked.status_code == 200 and background.failed_jobs() != []  # not yet
    response = post_form(client, path, {"confirm_text": "Remove?", "confirmed": "1"},
                         follow_redirects=True)
    assert "The failed job is removed." in response.get_data(as_text=True)
    assert background.failed_jobs() == [] and background.queue().count == 0
    again = post_form(client, path, {"confirm_text": "Remove?", "confirmed": "1"},
                      follow_redirects=True)
    assert "no longer among the failed ones" in again.get_data(as_text=True)


def test_without_redis_the_page_still_opens(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    with app.app_context():
        assert background.failed_jobs() == []
        client = _admin_client(app)
        page = client.get("/admin/scheduled-jobs").get_data(as_text=True)
        assert "No background job has failed every attempt." in page
        response = post_form(client, "/admin/failed-jobs/abc/run-again", {},
                             follow_redirects=True)
        assert "The job queue does not answer" in response.get_data(as_text=True)
