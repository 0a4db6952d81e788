"""An organisation's own pages: profile, colleagues, offers and needs; nobody else's."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from partnership.auth.models import User
from partnership.core.models import AuditEvent, OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations.items import send_expiry_reminders
from partnership.organisations.models import Item, ItemStatus

from ..conftest import log_in, post_form
from ..factories import ItemFactory, OrganisationFactory, UserFactory

ITEM = {"area": "paediatric_rehabilitation", "form": "training", "dimension": "professional",
        "description": "Навчання 10 реабілітологів методикам для дітей з ампутаціями",
        "quantity": "10", "urgency": "high", "languages": ["uk", "en"], "valid_until": ""}


@pytest.fixture
def manager(client):
    organisation = OrganisationFactory(name_uk="Миколаївська дитяча лікарня")
    user = UserFactory(role=Role.ORG_MANAGER, organisation=organisation)
    log_in(client, user)
    return user


def test_manager_adds_edits_renews_and_withdraws_a_need(client, manager):
    org_id = manager.organisation_id
    response = post_form(client, f"/organisations/{org_id}/items/new/need", ITEM)
    assert response.status_code == 302
    item = db.session.scalar(select(Item))
    assert item.urgency == "high" and item.quantity == 10
    assert item.valid_until == date.today() + timedelta(days=365)
    page = client.get(f"/organisations/{org_id}/manage").get_data(as_text=True)
    assert "Навчання 10 реабілітологів" in page
    response = post_form(client, f"/organisations/{org_id}/items/{item.id}/edit",
                         {**ITEM, "quantity": "12"})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.quantity == 12
    post_form(client, f"/organisations/{org_id}/items/{item.id}/withdraw", {})
    db.session.refresh(item)
    assert item.status == ItemStatus.WITHDRAWN
    post_form(client, f"/organisations/{org_id}/items/{item.id}/renew", {})
    db.session.refresh(item)
    assert item.status == ItemStatus.ACTIVE
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert {"need.created", "need.updated", "need.withdrawn", "need.renewed"} <= set(actions)


def test_an_offer_has_no_urgency(client, manager):
    post_form(client, f"/organisations/{manager.organisation_id}/items/new/offer", ITEM)
    assert db.session.scalar(select(Item.urgency)) is None


def test_a_bad_item_keeps_the_form(client, manager):
    response = post_form(client, f"/organisations/{manager.organisation_id}/items/new/need",
                         {**ITEM, "quantity": "-3", "area": "astrology"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Навчання 10 реабілітологів" in html
    assert db.session.scalar(select(Item)) is None


def test_manager_edits_the_profile(client, manager):
    org_id = manager.organisation_id
    organisation = manager.organisation
    response = post_form(client, f"/organisations/{org_id}/edit", {
        "kind": "childrens_hospital", "name_uk": "Нова назва лікарні", "name_kk": "",
        "name_en": "New name", "name_ru": "", "region": "ua_mykolaiv", "city": "Миколаїв",
        "languages": ["uk"], "beds": "", "staff": "10", "description": "Опис",
        "contact_name": "Х", "contact_email": "x@x.example", "contact_phone": "",
        "website": "", "public_listing": "y"})
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.name_uk == "Нова назва лікарні" and organisation.beds is None
    assert " nova nazva" in organisation.search_key


OTHER_PAGES = ["/organisations/{id}/edit", "/organisations/{id}/colleagues/new",
               "/organisations/{id}/items/new/need", "/organisations/{id}/items/{item}/edit",
               "/organisations/{id}/manage"]
OTHER_POSTS = ["/organisations/{id}/items/{item}/renew",
               "/organisations/{id}/items/{item}/withdraw",
               "/organisations/{id}/colleagues/{user}/remove", "/organisations/{id}/edit",
               "/organisations/{id}/items/new/offer", "/organisations/{id}/items/{item}/edit"]


def test_a_manager_of_one_organisation_gets_404_on_anothers_pages(client, manager):
    other = OrganisationFactory()
    item = ItemFactory(organisation=other)
    colleague = UserFactory(role=Role.ORG_MEMBER, organisation=other)
    values = {"id": other.id, "item": item.id, "user": colleague.id}
    for path in OTHER_PAGES:
        assert client.get(path.format(**values)).status_code == 404, path
    for path in OTHER_POSTS:
        assert post_form(client, path.format(**values), ITEM).status_code == 404, path
    db.session.refresh(item)
    assert item.status == ItemStatus.ACTIVE
    own_item = ItemFactory(organisation=manager.organisation)
    # Another organisation's item id under one's own organisation is not reachable either.
    path = f"/organisations/{manager.organisation_id}/items/{item.id}/edit"
    assert client.get(path).status_code == 404
    assert client.get(f"/organisations/{manager.organisation_id}/items/{own_item.id}/edit"
                      ).status_code == 200


def test_a_member_sees_but_does_not_edit(client):
    organisation = OrganisationFactory()
    member = UserFactory(role=Role.ORG_MEMBER, organisation=organisation)
    log_in(client, member)
    assert client.get("/my-organisation").headers["Location"].endswith(
        f"/organisations/{organisation.id}/manage")
    assert client.get(f"/organisations/{organisation.id}/manage").status_code == 200
    assert client.get(f"/organisations/{organisation.id}/edit").status_code == 404


def test_manager_invites_and_removes_a_colleague(app, client, manager):
    org_id = manager.organisation_id
    response = post_form(client, f"/organisations/{org_id}/colleagues/new", {
        "email": "Taras@hospital.example", "full_name": "Тарас", "role": "org_member"})
    assert response.status_code == 302
    colleague = db.session.scalar(select(User).where(User.email == "taras@hospital.example"))
    assert colleague.organisation_id == org_id and colleague.password_hash is None
    assert db.session.scalar(select(OutboxEmail.recipient)) == "taras@hospital.example"
    post_form(client, f"/organisations/{org_id}/colleagues/{colleague.id}/remove", {})
    db.session.refresh(colleague)
    assert colleague.organisation_id is None and not colleague.active


def test_reminders_go_once_30_days_before_expiry(app):
    organisation = OrganisationFactory()
    UserFactory(role=Role.ORG_MANAGER, organisation=organisation, email="m@h.example",
                locale="en")
    soon = ItemFactory(organisation=organisation, valid_until=date.today() + timedelta(days=20))
    ItemFactory(organisation=organisation, valid_until=date.today() + timedelta(days=90))
    assert send_expiry_reminders() == 1
    db.session.commit()
    mail = db.session.scalar(select(OutboxEmail))
    # A notification (and its e-mail) says how many expire and links to the organisation's
    # page, where they are listed with their dates.
    assert mail.recipient == "m@h.example" and soon.valid_until > date.today()
    assert "1 of your organisation's offers and needs expire within 30 days" in mail.body
    assert "/notifications/" in mail.body
    assert send_expiry_reminders() == 0  # once


def test_expired_items_leave_the_directory_until_renewed(client):
    organisation = OrganisationFactory(name_en="Lutsk Burns Centre")
    ItemFactory(organisation=organisation, area="burns_care",
                valid_until=date.today() - timedelta(days=1))
    html = client.get("/organisations?area=burns_care").get_data(as_text=True)
    assert "Lutsk Burns Centre" not in html


def test_withdrawing_and_removing_ask_first_naming_what_goes(client, manager):
    """The destructive buttons ask before they act (static/js/app.js reads ``data-confirm``),
    naming the need or the colleague and what follows."""
    organisation = manager.organisation
    ItemFactory(organisation=organisation, area="cardiology",
                description="Echocardiography <b>machine</b> for the children's ward")
    UserFactory(role=Role.ORG_MEMBER, organisation=organisation, full_name="Taras Bondarenko")
    page = client.get(f"/organisations/{organisation.id}/manage").get_data(as_text=True)
    assert 'data-confirm="Withdraw “Cardiology: Echocardiography &lt;b&gt;machine&lt;/b&gt; for' \
           in page
    assert "no longer take part in partner proposals" in page
    assert 'data-confirm="Remove Taras Bondarenko from the organisation?' in page
