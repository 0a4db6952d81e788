"""Every destructive button asks first. With JavaScript the dialog asks (data-confirm; on "OK"
app.js adds confirmed=1); without it, the POST the button sends does nothing but answer with a
page that names the object and the consequence, whose button sends the same fields again."""

import re
from html import unescape

import pytest

from partnership.auth.models import User
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.memoranda import approvals
from partnership.memoranda.models import MemorandumState
from partnership.organisations.models import Direction, Item, ItemStatus, Status

from ..conftest import csrf_token, log_in, post_form
from ..factories import ItemFactory, OrganisationFactory, UserFactory
from ..factories_memoranda import World

FORM_RE = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
INPUT_RE = re.compile(r"<input\b[^>]*>")
ATTRIBUTE_RE = re.compile(r'([a-z_-]+)="([^"]*)"')


def _form_of(html: str, action: str) -> str:
    """The form on the page that posts to ``action``."""
    for form in FORM_RE.findall(html):
        if f'action="{action}"' in form:
            return form
    raise AssertionError(f"no form posting to {action}")


def _fields(form: str) -> dict:
    """The hidden fields of a form, as a browser sends them."""
    found = {}
    for tag in INPUT_RE.findall(form):
        attributes = dict(ATTRIBUTE_RE.findall(tag))
        if attributes.get("type") == "hidden":
            found[attributes["name"]] = unescape(attributes.get("value", ""))
    return found


def _press_without_javascript(client, page_path: str, action: str):
    """Submit the form as a browser without JavaScript would: its hidden fields only."""
    html = client.get(page_path).get_data(as_text=True)
    form = _form_of(html, action)
    assert "data-confirm=" in form, "the button does not ask first"
    return client.post(action, data=_fields(form), headers={"Referer": f"http://localhost{page_path}"})


def test_withdrawing_a_need_without_javascript_asks_on_a_page_first(client, login_as):
    organisation = OrganisationFactory()
    need = ItemFactory(organisation=organisation, direction=Direction.NEED, urgency="high",
                       description="Ехокардіограф для дитячого відділення")
    login_as(Role.ORG_MANAGER, organisation=organisation)
    manage = f"/organisations/{organisation.id}/manage"
    action = f"/organisations/{organisation.id}/items/{need.id}/withdraw"
    response = _press_without_javascript(client, manage, action)
    assert response.status_code == 200
    page = unescape(response.get_data(as_text=True))
    assert "Ехокардіограф для дитячого відділення" in page          # names the need
    assert f'href="{manage}"' in page                                  # "Cancel" goes back
    db.session.expire_all()
    assert db.session.get(Item, need.id).status == ItemStatus.ACTIVE   # nothing happened
    confirmation = _form_of(page, action)
    fields = _fields(confirmation)
    assert fields["confirmed"] == "1" and "confirm_text" not in fields
    assert client.post(action, data=fields).status_code == 302
    db.session.expire_all()
    assert db.session.get(Item, need.id).status == ItemStatus.WITHDRAWN


def test_the_unconfirmed_post_still_needs_its_csrf_token(client, login_as):
    organisation = OrganisationFactory()
    need = ItemFactory(organisation=organisation, direction=Direction.NEED, urgency="high")
    login_as(Role.ORG_MANAGER, organisation=organisation)
    response = client.post(f"/organisations/{organisation.id}/items/{need.id}/withdraw",
                           data={"confirm_text": "Withdraw?"})
    assert response.status_code == 400


def test_cancel_never_leads_to_another_site(client, login_as):
    organisation = OrganisationFactory()
    need = ItemFactory(organisation=organisation, direction=Direction.NEED, urgency="high")
    login_as(Role.ORG_MANAGER, organisation=organisation)
    response = client.post(f"/organisations/{organisation.id}/items/{need.id}/withdraw",
                           data={"csrf_token": csrf_token(client), "confirm_text": "Withdraw?"},
                           headers={"Referer": "https://evil.example/phish"})
    page = response.get_data(as_text=True)
    assert "evil.example" not in page and 'href="/"' in page


def test_returning_a_memorandum_to_draft_asks_first(app, client):
    world = World()
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    db.session.commit()
    log_in(client, world.ua_manager)
    page_path, action = f"/memoranda/{memorandum.id}", f"/memoranda/{memorandum.id}/return"
    response = _press_without_javascript(client, page_path, action)
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and world.partnership.reference in page
    db.session.expire_all()
    assert db.session.get(type(memorandum), memorandum.id).state == MemorandumState.IN_REVIEW
    assert client.post(action, data=_fields(_form_of(page, action))).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(memorandum), memorandum.id).state == MemorandumState.DRAFT


@pytest.mark.parametrize("action", ["reject", "suspend", "return"])
def test_the_embassys_ending_decisions_ask_first_naming_the_organisation(client, login_as,
                                                                        action):
    organisation = OrganisationFactory(status=Status.VERIFIED if action == "suspend"
                                       else Status.PENDING, name_uk="Лікарня «Надія»",
                                       name_en="Nadiia Hospital")
    login_as(Role.EMBASSY_OFFICER)
    html = unescape(client.get(f"/embassy/organisations/{organisation.id}").get_data(
        as_text=True))
    target = f"/embassy/organisations/{organisation.id}/decide/{action}"
    button = re.search(r'<button[^>]*formaction="' + target + '"[^>]*>', html).group(0)
    assert 'name="confirm_text"' in button and organisation.name("en") in button
    assert "data-confirm=" in button
    response = post_form(client, f"/embassy/organisations/{organisation.id}/decide/{action}",
                         {"reason": "Причина", "confirm_text": "Лікарня «Надія»?"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(type(organisation), organisation.id).status in (
        Status.VERIFIED, Status.PENDING)


def test_deactivating_an_account_asks_first(client, login_as):
    member = UserFactory(email="member@hospital.example")
    login_as(Role.ADMIN)
    response = post_form(client, f"/admin/users/{member.id}",
                         {"full_name": member.full_name, "role": "org_member"})
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "member@hospital.example" in page
    assert db.session.get(User, member.id).active
    fields = _fields(_form_of(page, f"/admin/users/{member.id}"))
    assert "active" not in fields and fields["confirmed"] == "1"
    assert client.post(f"/admin/users/{member.id}", data=fields).status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, member.id).active


def test_every_destructive_button_on_these_pages_asks(client, login_as):
    """The buttons that end or remove something carry their sentence for both paths."""
    organisation = OrganisationFactory()
    ItemFactory(organisation=organisation, direction=Direction.NEED, urgency="high")
    login_as(Role.ORG_MANAGER, organisation=organisation)
    UserFactory(role=Role.ORG_MEMBER, organisation=organisation)
    manage = client.get(f"/organisations/{organisation.id}/manage").get_data(as_text=True)
    for action in ("/withdraw", "/remove"):
        forms = [f for f in FORM_RE.findall(manage) if action + '"' in f]
        assert forms and all('name="confirm_text"' in f and "data-confirm" in f
                             for f in forms), action


@pytest.mark.parametrize(("status", "words"), [("terminated", "Terminate the partnership"),
                                               ("completed", "as completed")])
def test_ending_a_partnership_asks_first_naming_it(client, status, words):
    """Completed and terminated have no way back: the status form asks on a page first, and
    only the confirmed form changes the status."""
    from partnership.partnerships.models import Partnership, PartnershipStatus

    world = World()
    world.partnership.status = PartnershipStatus.ACTIVE
    db.session.commit()
    log_in(client, world.officer, secret=world.officer_secret)
    action = f"/partnerships/{world.partnership.id}/status"
    response = post_form(client, action, {"status": status, "note": "Кінець співпраці"})
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert words in page and world.partnership.reference in page
    db.session.expire_all()
    assert db.session.get(Partnership, world.partnership.id).status == PartnershipStatus.ACTIVE
    fields = _fields(_form_of(page, action))
    assert fields["confirmed"] == "1" and fields["note"] == "Кінець співпраці"
    assert client.post(action, data=fields).status_code == 302
    db.session.expire_all()
    assert db.session.get(Partnership, world.partnership.id).status == status


def test_a_reversible_status_is_set_without_asking(client):
    from partnership.partnerships.models import Partnership, PartnershipStatus

    world = World()
    world.partnership.status = PartnershipStatus.ACTIVE
    db.session.commit()
    log_in(client, world.officer, secret=world.officer_secret)
    response = post_form(client, f"/partnerships/{world.partnership.id}/status",
                         {"status": "on_hold"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Partnership, world.partnership.id).status == PartnershipStatus.ON_HOLD
