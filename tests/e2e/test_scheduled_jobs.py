"""The administrator finds a failing scheduled job on My work, follows the link to the page of
scheduled jobs, and sees the job's row (Ukrainian interface)."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from partnership.core import scheduled_runs
from partnership.core.roles import Role
from partnership.extensions import db

from ..factories import UserFactory
from .conftest import screenshot, sign_in, t

pytestmark = pytest.mark.e2e


def test_a_failing_job_leads_from_my_work_to_its_row(live_server, browser):
    started = datetime.now(UTC) - timedelta(minutes=3)
    run_id = scheduled_runs.claim("send-reminders", started, 1, fence=1, now=started)
    try:
        raise TimeoutError("smtp timed out")
    except TimeoutError as error:
        scheduled_runs.finish(run_id, error, started + timedelta(seconds=20))
    secret = pyotp.random_base32()
    admin = UserFactory(role=Role.ADMIN, totp_secret=secret)
    db.session.commit()
    context, page = sign_in(browser, live_server.live_url, admin, "uk", secret)
    link = page.get_by_role("link", name=t("Scheduled jobs whose last run failed", "uk"))
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("/admin/scheduled-jobs#job-send-reminders")
    row = page.locator("#job-send-reminders")
    assert t("failed", "uk") in row.inner_text()
    assert "builtins.TimeoutError" in row.inner_text()
    assert "smtp timed out" not in page.content()
    assert t("daily at %(time)s", "uk") % {"time": "08:00"} in row.inner_text()
    screenshot(page, "scheduled-jobs-uk")
    context.close()
