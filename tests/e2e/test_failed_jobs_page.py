"""The administrator's list of background jobs that failed every attempt, in a browser: in
each language, at desktop and phone widths, with no axe violations; "Run again" empties it."""

import threading

import pyotp
import pytest
from werkzeug.serving import make_server

from partnership.core import jobs as background
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching import jobs as matching_jobs

from ..factories import OrganisationFactory, UserFactory
from .axe import add_axe, describe, violations
from .conftest import screenshot, sign_in, t


@pytest.fixture
def server(make_app, redis_url, monkeypatch):
    app = make_app(ENV_NAME="testing", REDIS_URL=redis_url)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    app.live_url = f"http://127.0.0.1:{http.server_port}"
    with app.app_context():
        organisation = OrganisationFactory()
        db.session.commit()

        def broken(_organisation_id):
            raise RuntimeError("the database refused")

        monkeypatch.setattr(matching_jobs, "_propose", broken)
        background.queue().enqueue(matching_jobs.run_recompute, organisation.id)
        matching_jobs.work(burst=True)
        monkeypatch.undo()
        yield app
    http.shutdown()
    thread.join(timeout=5)


@pytest.mark.parametrize("lang", ["uk", "kk", "en"])
def test_the_admin_sees_the_failed_job_and_runs_it_again(server, browser, lang):
    secret = pyotp.random_base32()
    admin = UserFactory(role=Role.ADMIN, totp_secret=secret, locale=lang)
    db.session.commit()
    context, page = sign_in(browser, server.live_url, admin, lang, secret=secret)
    add_axe(context)
    page.goto(server.live_url + "/my-work")
    page.get_by_role("link", name=t("Background jobs that failed every attempt", lang)).click()
    page.wait_for_load_state()
    assert page.url.endswith("/admin/scheduled-jobs#failed-jobs")
    row = page.locator("#failed-jobs + p + .table-wrap tbody tr")
    assert row.count() == 1 and "RuntimeError" in row.inner_text()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        found = violations(page)
        assert not found, "\n".join(describe(f"failed jobs {lang} {width}", found))
        screenshot(page, f"failed-jobs-{lang}-{width}")
    row.get_by_role("button", name=t("Run again", lang)).click()
    page.wait_for_load_state()
    assert t("The job is queued again.", lang) in page.content()
    assert page.get_by_text(t("No background job has failed every attempt.", lang)).is_visible()
    context.close()
