"""axe-core on every page of the application, in Ukrainian, Kazakh and English, at 1280 and
390 px, as each role that can see it; forms also after a failed submit (errors shown).

The demo data (what ``make run`` loads) is the world. ``VISITS`` names, per role, the pages that
role opens; ``test_every_page_route_is_visited`` fails when a GET route of the URL map is neither
visited nor listed in ``NOT_PAGES``, so a new page cannot be forgotten. One live server and one
browser serve the whole module; each page is loaded once per language and axe runs at both
widths (the viewport is resized, the page is not reloaded). How to add a page:
docs/accessibility.md.
"""

import shutil
import threading
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from partnership.auth.models import TokenPurpose, User
from partnership.auth.services import issue_token
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.helpdesk.guides import GUIDES

from ..conftest import POSTGRES_URL, _truncate_all, base_config
from ..factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory
from .axe import add_axe, describe, violations
from .conftest import launch_chromium, t
from .test_every_role_my_work import demo_world

pytestmark = pytest.mark.e2e

LANGUAGES = ("uk", "kk", "en")
WIDTHS = (1280, 390)

# GET routes that answer with a file, a redirect or a probe, never with a page of their own.
NOT_PAGES = {
    "static": "the stylesheet, scripts, fonts and images",
    "core.healthz": "a probe for the load balancer (plain text)",
    "core.readyz": "a probe for the load balancer (JSON)",
    "metrics.metrics": "Prometheus's counters (plain text, token only)",
    "dashboard.table_csv": "a CSV download",
    "dashboard.report_pdf": "a PDF download",
    "dashboard.tables_xlsx": "a spreadsheet download",
    "verification.export": "a CSV or spreadsheet download",
    "outreach.download": "a PDF or ZIP download",
    "memoranda.download": "a PDF download",
    "memoranda.scan": "the signed scan (a PDF download)",
    "programme.consent_document": "the consent document (a file download)",
    "programme.report_csv": "a CSV download",
    "notifications.open": "marks a notification read and redirects to its subject",
    "organisations.mine": "redirects to the organisation's own page",
}


@dataclass(frozen=True)
class Visit:
    """A page one role opens: its route, its address, and whether to submit its form once
    with the fields emptied (``fail``: the CSS selector of the form) to see the errors."""

    endpoint: str
    url: str
    fail: str | None = None
    fill: tuple[tuple[str, str], ...] = ()   # (selector, value) typed before the failed submit


MAIN_FORM = "main form:has(.field)"


# --- the world -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(migrated_database, tmp_path_factory):
    """One application on one database, served on a free port, for the whole module."""
    from partnership import create_app

    tmp = tmp_path_factory.mktemp("a11y")
    if POSTGRES_URL:
        url = migrated_database
    else:
        shutil.copyfile(migrated_database.removeprefix("sqlite:///"), tmp / "a11y.db")
        url = f"sqlite:///{tmp / 'a11y.db'}"
    # Every role signs in, and sign-in forms are submitted wrongly on purpose: no rate limit.
    app = create_app({**base_config(tmp, url), "RATELIMIT_ENABLED": False})
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    app.live_url = f"http://127.0.0.1:{http.server_port}"
    with app.app_context():
        app.world = build_world(app)
        yield app
        db.session.remove()
        db.engine.dispose()
    http.shutdown()
    thread.join(timeout=5)
    if POSTGRES_URL:
        _truncate_all(migrated_database)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def build_world(app) -> dict:
    """The demo data, plus what only some pages need: tokens, a pending and a rejected
    organisation, an import job and a cooperation package job. Ids for the visits."""
    from partnership.matching.models import Match
    from partnership.memoranda.models import Memorandum, MemorandumState
    from partnership.organisations.models import (
        Country,
        Direction,
        ImportJob,
        Item,
        Organisation,
        Status,
    )
    from partnership.outreach.models import CatalogueJob, CatalogueStatus
    from partnership.partnerships.models import Partnership
    from partnership.programme.models import Centre, ChildCase, Group

    users = demo_world(app)
    by_email = {u.email: u for u in db.session.scalars(select(User))}
    world = {role: users[role] for role in users}
    world["manager_ua"] = (by_email["manager.ua@demo.partnership.local"], None)
    world["manager_kz"] = (by_email["manager.kz@demo.partnership.local"], None)
    for email in ("manager.ua@demo.partnership.local", "manager.kz@demo.partnership.local"):
        by_email[email].password_hash = by_email["member@demo.partnership.local"].password_hash

    rejected = OrganisationFactory(status=Status.REJECTED, public_listing=False)
    world["rejected"] = (UserFactory(role=Role.ORG_MANAGER, organisation_id=rejected.id,
                                     email="rejected@example.org"), None)
    pending = OrganisationFactory(country=Country.KZ, status=Status.PENDING,
                                  public_listing=False)
    pending_manager = UserFactory(role=Role.ORG_MANAGER, organisation_id=pending.id,
                                  email="pending@example.org", active=False)
    invited = UserFactory(role=Role.ORG_MEMBER, email="invited@example.org",
                          password_hash=None, active=True,
                          organisation_id=world["manager_ua"][0].organisation_id)
    # A second factor still to set up, and one set up: the two sign-in steps.
    world["unenrolled"] = UserFactory(role=Role.EMBASSY_OFFICER, email="unenrolled@example.org")
    secret = pyotp.random_base32()
    world["two_step"] = (UserFactory(role=Role.EMBASSY_OFFICER, email="two-step@example.org",
                                     totp_secret=secret), secret)
    day = timedelta(days=1)
    world["tokens"] = {
        "reset": issue_token(world["manager_kz"][0], TokenPurpose.PASSWORD_RESET, day),
        "invitation": issue_token(invited, TokenPurpose.INVITATION, day),
        "confirm": issue_token(pending_manager, TokenPurpose.EMAIL_CONFIRMATION, day)}
    db.session.add(ImportJob(kind="organisations", filename="orgs.csv", dry_run=True,
                             language="en", status="succeeded", rows_total=1))
    db.session.add(CatalogueJob(key="a" * 64, language="uk", filters={},
                                status=CatalogueStatus.SUCCEEDED, organisations=3,
                                progress=100))
    from partnership.helpdesk.services import send_message

    message = send_message(None, "Олена Коваль", "olena@example.org", "Реєстрація лікарні",
                           "Як додати другу адресу нашої лікарні?", "uk")
    db.session.commit()

    ua_org = world["manager_ua"][0].organisation_id
    kz_org = world["manager_kz"][0].organisation_id
    ids = {"ua_org": ua_org, "kz_org": kz_org, "pending_org": pending.id,
           "import_job": db.session.scalar(select(ImportJob.id)),
           "catalogue_job": db.session.scalar(select(CatalogueJob.id)),
           "message": message.id}
    for key, org in (("ua", ua_org), ("kz", kz_org)):
        ids[f"{key}_need"] = db.session.scalar(select(Item.id).where(
            Item.organisation_id == org, Item.direction == Direction.NEED).limit(1))
        ids[f"{key}_offer"] = db.session.scalar(select(Item.id).where(
            Item.organisation_id == org, Item.direction == Direction.OFFER).limit(1))
    ids["public_org"] = db.session.scalar(select(Organisation.id).where(
        Organisation.status == Status.VERIFIED, Organisation.public_listing.is_(True)).limit(1))
    ids["match"] = db.session.scalar(select(Match.id).order_by(Match.id).limit(1))
    ids["partnership"] = db.session.scalar(select(Partnership.id).where(
        Partnership.ukrainian_organisation_id == ua_org))
    ids["need_any"] = ids["kz_need"] or ids["ua_need"]
    # the Ukrainian organisation's need with the most proposals: its group on its own page
    ids["ua_group_need"] = db.session.scalar(
        select(Match.need_id).where(Match.need_organisation_id == ua_org)
        .group_by(Match.need_id).order_by(func.count().desc(), Match.need_id).limit(1))
    for state in MemorandumState:
        memorandum = db.session.scalar(select(Memorandum).where(Memorandum.state == state)
                                       .order_by(Memorandum.id).limit(1))
        if memorandum is not None:
            ids[f"memo_{state.value}"] = memorandum.id
            if memorandum.verification_code:
                ids[f"code_{state.value}"] = memorandum.verification_code
    ids["case"] = db.session.scalar(select(ChildCase.id).order_by(ChildCase.id).limit(1))
    centre_org = users[Role.CENTRE_STAFF][0].organisation_id
    ids["centre"] = db.session.scalar(select(Centre.id).where(
        Centre.organisation_id == centre_org))
    ids["group"] = db.session.scalar(select(Group.id).order_by(Group.id).limit(1))
    ids["centre_case"] = _a_case_in_the_centre()
    world["ids"] = ids
    return world


def _a_case_in_the_centre() -> int | None:
    from partnership.programme.models import ChildCase, Placement

    return db.session.scalar(select(ChildCase.id).join(
        Placement, Placement.case_id == ChildCase.id).order_by(ChildCase.id).limit(1))


def visits(world) -> dict[str, list[Visit]]:
    """Per role, the pages that role opens (ids from the world)."""
    i = world["ids"]
    tok = world["tokens"]
    memo = i["memo_draft"]
    common = [Visit("work.my_work", "/my-work"), Visit("auth.account", "/account"),
              Visit("notifications.index", "/notifications"),
              Visit("notifications.preferences", "/notifications/preferences"),
              Visit("organisations.directory_page", "/organisations"),
              Visit("organisations.public_profile", f"/organisations/{i['public_org']}"),
              Visit("core.home", "/")]
    password = Visit("auth.change_password", "/account/password", MAIN_FORM)
    embassy = [
        Visit("dashboard.page", "/embassy/dashboard"),
        Visit("verification.queue", "/embassy/organisations"),
        Visit("verification.organisation", f"/embassy/organisations/{i['pending_org']}"),
        Visit("organisations.manage", f"/organisations/{i['kz_org']}/manage"),
        Visit("matching.proposals", f"/organisations/{i['kz_org']}/proposals"),
        Visit("verification.import_file", "/embassy/import", MAIN_FORM),
        Visit("verification.import_status", f"/embassy/import/{i['import_job']}"),
        Visit("matching.curation_list", "/embassy/matches"),
        Visit("matching.detail", f"/embassy/matches/{i['match']}"),
        Visit("matching.propose_by_hand", f"/embassy/matches/new?need_id={i['need_any']}",
              MAIN_FORM),
        Visit("partnerships.embassy_list", "/embassy/partnerships"),
        Visit("partnerships.page", f"/partnerships/{i['partnership']}"),
        Visit("memoranda.template_versions", "/embassy/memorandum-template"),
        Visit("memoranda.edit_template", "/embassy/memorandum-template/edit"),
        Visit("memoranda.page", f"/memoranda/{i['memo_in_review']}"),
        Visit("memoranda.page", f"/memoranda/{i['memo_agreed']}"),
        Visit("memoranda.page", f"/memoranda/{i['memo_signed']}"),
        Visit("memoranda.sign", f"/memoranda/{i['memo_agreed']}/sign", MAIN_FORM),
        Visit("memoranda.end_form", f"/memoranda/{i['memo_signed']}/end", MAIN_FORM),
        Visit("outreach.package", "/embassy/cooperation-package"),
        Visit("outreach.job", f"/embassy/cooperation-package/{i['catalogue_job']}"),
        Visit("programme.report", "/programme/report"),
        Visit("helpdesk.inbox", "/embassy/messages"),
        Visit("helpdesk.message", f"/embassy/messages/{i['message']}"),
    ]
    manager_ua = [
        Visit("organisations.manage", f"/organisations/{i['ua_org']}/manage"),
        Visit("organisations.edit", f"/organisations/{i['ua_org']}/edit", MAIN_FORM),
        Visit("organisations.invite", f"/organisations/{i['ua_org']}/colleagues/new",
              MAIN_FORM),
        Visit("organisations.new_item", f"/organisations/{i['ua_org']}/items/new/need",
              MAIN_FORM),
        Visit("organisations.new_item", f"/organisations/{i['ua_org']}/items/new/offer"),
        Visit("organisations.edit_item",
              f"/organisations/{i['ua_org']}/items/{i['ua_need']}/edit"),
        Visit("matching.proposals", f"/organisations/{i['ua_org']}/proposals"),
        Visit("matching.proposals",
              f"/organisations/{i['ua_org']}/proposals?item={i['ua_group_need']}"),
        Visit("partnerships.page", f"/partnerships/{i['partnership']}"),
        Visit("memoranda.page", f"/memoranda/{memo}"),
        Visit("memoranda.edit_clause", f"/memoranda/{memo}/clauses/costs/edit", MAIN_FORM),
        Visit("memoranda.add_clause", f"/memoranda/{memo}/clauses/new", MAIN_FORM),
        Visit("memoranda.particulars", f"/memoranda/{memo}/particulars"),
        Visit("memoranda.versions", f"/memoranda/{memo}/versions"),
        Visit("memoranda.compare", f"/memoranda/{memo}/diff"),
        Visit("memoranda.preview", f"/memoranda/{memo}/preview"),
        Visit("auth.enrol", "/account/two-step"),
    ]
    manager_kz = [
        Visit("organisations.manage", f"/organisations/{i['kz_org']}/manage"),
        Visit("organisations.edit", f"/organisations/{i['kz_org']}/edit", MAIN_FORM),
        Visit("organisations.new_item", f"/organisations/{i['kz_org']}/items/new/need",
              MAIN_FORM),
        Visit("matching.proposals", f"/organisations/{i['kz_org']}/proposals"),
    ]
    coordinator = [
        Visit("programme.cases_list", "/programme/cases"),
        Visit("programme.new_case", "/programme/cases/new", MAIN_FORM),
        Visit("programme.case_page", f"/programme/cases/{i['case']}"),
        Visit("programme.edit_case", f"/programme/cases/{i['case']}/edit"),
        Visit("programme.new_consent", f"/programme/cases/{i['case']}/consents/new",
              MAIN_FORM),
        Visit("programme.place", f"/programme/cases/{i['case']}/placement"),
        Visit("programme.adult_reviews", "/programme/accompanying-adults"),
        Visit("programme.follow_ups", "/programme/follow-ups"),
        Visit("programme.centres_page", "/programme/centres"),
        Visit("programme.new_group", f"/programme/centres/{i['centre']}/groups/new",
              MAIN_FORM),
        Visit("programme.edit_group", f"/programme/groups/{i['group']}/edit"),
        Visit("programme.report", "/programme/report"),
        Visit("programme.export_cases", "/programme/export/cases", MAIN_FORM),
    ]
    centre = [Visit("programme.my_centre", "/programme/my-centre")]
    if i["centre_case"]:
        centre.append(Visit("programme.child", f"/programme/my-centre/children/{i['centre_case']}",
                            MAIN_FORM))
    admin = [
        Visit("admin.users", "/admin/users"),
        Visit("admin.new_user", "/admin/users/new", MAIN_FORM),
        Visit("admin.edit_user", f"/admin/users/{world['two_step'][0].id}"),
        Visit("admin.audit", "/admin/audit"),
        Visit("schedule.jobs", "/admin/scheduled-jobs"),
        Visit("dashboard.page", "/embassy/dashboard"),
        Visit("verification.queue", "/embassy/organisations"),
    ]
    visitor = [
        Visit("core.home", "/"),
        Visit("auth.login", "/login", MAIN_FORM),
        Visit("organisations.register", "/register", MAIN_FORM),
        Visit("organisations.registered", "/register/sent"),
        Visit("organisations.confirm_registration", f"/register/confirm/{tok['confirm']}"),
        Visit("auth.request_reset", "/password/reset", MAIN_FORM),
        Visit("auth.reset_password", f"/password/reset/{tok['reset']}", MAIN_FORM),
        Visit("auth.accept_invitation", f"/invitation/{tok['invitation']}", MAIN_FORM),
        Visit("organisations.directory_page", "/organisations?q=clinic"),
        Visit("organisations.public_profile", f"/organisations/{i['public_org']}"),
        Visit("memoranda.verify_upload", "/verify", MAIN_FORM),
        Visit("memoranda.verify", f"/verify/{i['code_signed']}"),
        Visit("errors.not_found", "/no-such-page"),
        Visit("helpdesk.index", "/help"),
        *(Visit("helpdesk.guide", f"/help/{guide.slug}") for guide in GUIDES),
        Visit("helpdesk.contact", "/contact", MAIN_FORM),
        Visit("helpdesk.contact_sent", "/contact/sent"),
        # The two sign-in steps: the login form leads there (see sign_in_steps).
        Visit("auth.second_factor", "two_step", MAIN_FORM),
        Visit("auth.enrol_at_login", "unenrolled", MAIN_FORM),
    ]
    return {
        "visitor": visitor,
        "manager_ua": common + [password] + manager_ua,
        "manager_kz": common + manager_kz,
        Role.ORG_MEMBER: common + [Visit("organisations.manage",
                                         f"/organisations/{i['ua_org']}/manage")],
        "rejected": [Visit("organisations.decision", "/my-organisation/decision"),
                     Visit("work.my_work", "/my-work")],
        Role.EMBASSY_OFFICER: common + embassy,
        Role.PROGRAMME_COORDINATOR: common + coordinator,
        Role.CENTRE_STAFF: common + centre,
        Role.ADMIN: common + admin,
    }


ROLES = ("visitor", "manager_ua", "manager_kz", Role.ORG_MEMBER, "rejected",
         Role.EMBASSY_OFFICER, Role.PROGRAMME_COORDINATOR, Role.CENTRE_STAFF, Role.ADMIN)


# --- the tests -----------------------------------------------------------------------------

def test_every_page_route_is_visited(server):
    """A GET route is either visited by some role below or named in NOT_PAGES."""
    visited = {visit.endpoint for role in visits(server.world).values() for visit in role}
    pages = {rule.endpoint for rule in server.url_map.iter_rules() if "GET" in rule.methods}
    assert pages - visited - set(NOT_PAGES) == set(), "add these pages to VISITS"
    assert set(NOT_PAGES) & visited == set(), "a route is both visited and not a page"
    assert set(NOT_PAGES) <= pages, "NOT_PAGES names a route that no longer exists"


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_no_accessibility_violations(server, chromium, role):
    base = server.live_url
    world = server.world
    found: list[str] = []
    context = chromium.new_context(locale="uk", viewport={"width": 1280, "height": 900})
    add_axe(context)
    page = context.new_page()
    # A form that asks before it acts (data-confirm) is answered "yes" in a failed submit: the
    # server then refuses the emptied form.
    page.on("dialog", lambda dialog: dialog.accept())
    if role != "visitor":
        user, secret = world[role]
        sign_in(page, base, user, "uk", secret)
    for lang in LANGUAGES:
        switch_language(page, base, lang)
        for visit in visits(world)[role]:
            found += check(page, base, world, lang, visit)
    context.close()
    assert not found, f"{len(found)} violations:\n" + "\n".join(found)


def switch_language(page, base, lang):
    """Choose the language with the switch in the page's header, as a person does."""
    if not page.url.startswith(base):
        page.goto(base + "/")
    page.locator(f'.language-switch button[value="{lang}"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang


def check(page, base, world, lang, visit: Visit) -> list[str]:
    """Open the page, run axe at both widths; then the same after a failed submit."""
    if visit.url in ("two_step", "unenrolled"):
        page.context.clear_cookies()
        page.goto(base + "/login")
        switch_language(page, base, lang)
        user = world[visit.url][0] if visit.url == "two_step" else world[visit.url]
        sign_in(page, base, user, lang, None)
    else:
        response = page.goto(base + visit.url)
        expected = 404 if visit.endpoint == "errors.not_found" else 200
        assert response.status == expected, f"{visit.url}: {response.status}"
    where = f"{visit.url} [{lang}]"
    found = at_both_widths(page, where)
    if visit.fail:
        form = page.locator(visit.fail).first
        form.evaluate("""(form) => {
          form.noValidate = true;
          form.querySelectorAll('input:not([type=hidden]):not([type=submit])'
                                + ':not([type=checkbox]):not([type=radio]), textarea')
            .forEach((e) => { e.value = ''; });
        }""")
        for selector, value in visit.fill:
            form.locator(selector).fill(value)
        form.locator("[type=submit]").last.click()
        page.wait_for_load_state()
        errors = page.locator(".field__error, .flash--error, .error-summary")
        assert errors.count(), f"{where}: submitting the emptied form showed no error"
        found += at_both_widths(page, where + " after a failed submit")
    return found


def at_both_widths(page, where: str) -> list[str]:
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        settled(page)
        found += describe(f"{where} {width}px", violations(page))
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return found


def settled(page) -> None:
    """Wait two frames, so the page's resize handlers have run."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def sign_in(page, base, user, lang, secret):
    """Sign in through the log-in page (and the second step, given the secret)."""
    if not page.url.startswith(base + "/login"):
        page.goto(base + "/login")
    page.get_by_label(t("E-mail", lang)).fill(user.email)
    page.get_by_label(t("Password", lang)).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=t("Sign in", lang)).click()
    page.wait_for_load_state()
    if secret:
        page.get_by_label(t("Code from your authenticator app, or a recovery code", lang)
                          ).fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name=t("Continue", lang)).click()
        page.wait_for_load_state()
