"""Every change that affects matching reaches the engine (issue 11, item 3): right after a change
made on a web page, by an import or by the embassy, the stored proposals are those a fresh full
run computes. The check: snapshot the stored proposals, run a full recomputation, and compare."""

import io
from datetime import date, timedelta

import pyotp
import pytest
from sqlalchemy import delete, select

from partnership.core.events import OutboxEvent
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching import rules
from partnership.matching.models import Match
from partnership.matching.services import propose_matches, set_agreed_list_gate
from partnership.organisations import demo
from partnership.organisations.models import (
    Country,
    Item,
    ItemStatus,
    Kind,
    Organisation,
    Status,
)

from ..conftest import log_in, post_form
from ..factories import UserFactory

ITEM = {"area": "paediatric_rehabilitation", "form": "training", "dimension": "professional",
        "description": "Навчання реабілітологів методикам для дітей з ампутаціями",
        "quantity": "10", "urgency": "high", "languages": ["uk", "en"], "valid_until": ""}


def stored() -> dict:
    """Every stored proposal: its pair, status and score."""
    db.session.expire_all()
    return {(m.need_id, m.offer_id): (str(m.status), round(m.score, 9))
            for m in db.session.scalars(select(Match))}


def assert_like_a_fresh_run() -> None:
    """The stored proposals equal what a full run makes of the database as it is now."""
    now = stored()
    propose_matches(None)
    db.session.commit()
    assert now == stored()


@pytest.fixture
def world(app):
    """Generated verified organisations with items, and the proposals of a full run."""
    demo.generate(24, seed=11)
    db.session.commit()
    propose_matches(None)
    db.session.commit()
    assert stored()
    return app


def an_organisation(country: Country) -> Organisation:
    """One that takes part in proposals, with both offers and needs."""
    first = db.session.scalars(select(Match.need_organisation_id).join(
        Organisation, Match.need_organisation_id == Organisation.id)
        .where(Organisation.country == country).order_by(Organisation.id)).first()
    return db.session.get(Organisation, first)


def manager_of(client, organisation: Organisation):
    user = UserFactory(role=Role.ORG_MANAGER, organisation=organisation)
    assert log_in(client, user).status_code == 302
    return user


def officer(client):
    secret = pyotp.random_base32()
    user = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret)
    assert log_in(client, user, secret=secret).status_code == 302
    return user


def profile_form(organisation: Organisation, **changes) -> dict:
    data = {"kind": str(organisation.kind), "name_uk": organisation.name_uk or "",
            "name_kk": organisation.name_kk or "", "name_en": organisation.name_en or "",
            "name_ru": "", "region": organisation.region, "city": organisation.city,
            "languages": list(organisation.languages), "beds": "", "staff": "",
            "description": organisation.description, "contact_name": "Contact",
            "contact_email": "contact@example.org", "contact_phone": "", "website": "",
            "open_to_cooperation": "y", "public_listing": "y"}
    data.update(changes)
    return data


def a_kind_that_changes_scores(organisation: Organisation) -> str:
    """A kind under which the organisation's proposed offers fit their areas differently."""
    areas = list(db.session.scalars(select(Item.area).join(Match, Match.offer_id == Item.id)
                                    .where(Item.organisation_id == organisation.id)))

    def fits(kind) -> int:
        return sum(area in rules.KIND_AFFINITY.get(str(kind), ()) for area in areas)

    return next((str(k) for k in Kind
                 if str(k) not in rules.HELPER_KINDS and fits(k) != fits(organisation.kind)),
                None)


def an_offering_organisation(country: Country) -> Organisation:
    """One whose proposals change with its kind."""
    ids = db.session.scalars(
        select(Organisation.id).join(Match, Match.offer_organisation_id == Organisation.id)
        .where(Organisation.country == country).distinct().order_by(Organisation.id)).all()
    return next(o for o in (db.session.get(Organisation, i) for i in ids)
                if a_kind_that_changes_scores(o))


def scores_of(organisation_id: int) -> dict:
    return {k: v for k, v in stored().items()
            if organisation_id in _parties(k)}


def _parties(pair) -> set:
    need, offer = (db.session.get(Item, i) for i in pair)
    return {need.organisation_id, offer.organisation_id}


# --- the profile page -------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["kind", "languages", "region"])
def test_a_profile_edit_reaches_the_proposals(world, client, field):
    organisation = an_offering_organisation(Country.UA)
    before = scores_of(organisation.id)
    manager_of(client, organisation)
    change = {"kind": lambda: {"kind": a_kind_that_changes_scores(organisation)},
              "languages": lambda: {"languages": ["kk", "ru", "en"]},
              "region": lambda: {"region": "ua_odesa" if organisation.region != "ua_odesa"
                                 else "ua_lviv"}}[field]()
    response = post_form(client, f"/organisations/{organisation.id}/edit",
                         profile_form(organisation, **change))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    event = db.session.scalars(select(OutboxEvent).where(
        OutboxEvent.kind == "organisation.changed")).one()
    assert field in event.payload["fields"] and event.dispatched_at is not None
    if field != "region":  # the engine does not weigh the region (yet): its scores stay
        assert scores_of(organisation.id) != before
    assert_like_a_fresh_run()


# --- offers and needs on the web ------------------------------------------------------------

def test_an_item_added_on_the_web_reaches_the_proposals(world, client):
    organisation = an_organisation(Country.UA)
    manager_of(client, organisation)
    response = post_form(client, f"/organisations/{organisation.id}/items/new/need", ITEM)
    assert response.status_code == 302
    assert_like_a_fresh_run()


def test_an_item_edited_on_the_web_reaches_the_proposals(world, client):
    organisation = an_organisation(Country.KZ)
    item = db.session.scalars(select(Item).where(Item.organisation_id == organisation.id)
                              .order_by(Item.id)).first()
    manager_of(client, organisation)
    values = {**ITEM, "area": item.area, "form": str(item.form),
              "dimension": str(item.dimension), "languages": ["kk", "en"],
              "description": "A new text: " + item.description,
              "urgency": "low", "valid_until": (date.today() + timedelta(days=90)).isoformat()}
    response = post_form(client, f"/organisations/{organisation.id}/items/{item.id}/edit",
                         values)
    assert response.status_code == 302
    assert_like_a_fresh_run()


def test_an_item_withdrawn_on_the_web_reaches_the_proposals(world, client):
    organisation = an_organisation(Country.UA)
    match = db.session.scalars(select(Match).where(
        Match.need_organisation_id == organisation.id)).first()
    manager_of(client, organisation)
    response = post_form(client, f"/organisations/{organisation.id}/items/{match.need_id}"
                         "/withdraw", {})
    assert response.status_code == 302
    assert db.session.get(Item, match.need_id).status == ItemStatus.WITHDRAWN
    assert_like_a_fresh_run()


# --- the embassy: verification and the agreed list --------------------------------------------

@pytest.mark.parametrize("action", ["suspend", "verify"])
def test_a_verification_decision_reaches_the_proposals(world, client, action):
    organisation = an_organisation(Country.KZ)
    if action == "verify":  # a pending organisation, verified now
        organisation.status = Status.PENDING
        db.session.commit()
        propose_matches(None)
        db.session.commit()
    officer(client)
    response = post_form(client, f"/embassy/organisations/{organisation.id}/decide/{action}",
                         {"reason": "Checked by telephone."})
    assert response.status_code == 302
    assert_like_a_fresh_run()


def test_the_agreed_list_reaches_the_proposals(world, client):
    """With the gate on, an organisation put on the agreed list gets its proposals at once.
    (Taken off the list, its open proposals stay: a full run does not close them either.)"""
    actor = officer(client)
    set_agreed_list_gate(actor, True)
    organisation = an_organisation(Country.UA)
    organisation.on_agreed_list = False
    db.session.execute(delete(Match))
    db.session.commit()
    propose_matches(None)
    db.session.commit()
    assert not scores_of(organisation.id)
    response = post_form(client, f"/embassy/organisations/{organisation.id}/agreed-list",
                         {"on_list": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).on_agreed_list is True
    assert scores_of(organisation.id)
    assert_like_a_fresh_run()


# --- imports ---------------------------------------------------------------------------------

def _import(client, kind: str, text: str):
    return post_form(client, "/embassy/import",
                     {"kind": kind, "file": (io.BytesIO(text.encode()), f"{kind}.csv")},
                     content_type="multipart/form-data")


def test_an_organisation_import_reaches_the_proposals(world, client):
    organisation = an_offering_organisation(Country.UA)
    officer(client)
    new_kind = a_kind_that_changes_scores(organisation)
    text = ("registry_code,country,kind,name_uk,name_kk,name_en,region,city,languages,"
            "contact_name,contact_email\n"
            f"{organisation.registry_code},UA,{new_kind},{organisation.name_uk},,"
            f"Renamed,{organisation.region},{organisation.city},uk;kk;ru,"
            "Олена Коваль,olena@example.org\n")
    response = _import(client, "organisations", text)
    assert response.status_code == 200
    db.session.expire_all()
    assert str(db.session.get(Organisation, organisation.id).kind) == new_kind
    assert_like_a_fresh_run()


def test_an_item_import_reaches_the_proposals(world, client):
    organisation = an_organisation(Country.KZ)
    officer(client)
    until = (date.today() + timedelta(days=200)).isoformat()
    text = ("registry_code,direction,area,dimension,form,description,quantity,urgency,"
            "languages,valid_until\n"
            f"{organisation.registry_code},need,paediatric_rehabilitation,professional,"
            f"training,Training for rehabilitation nurses,5,high,kk;ru;en,{until}\n")
    response = _import(client, "items", text)
    assert response.status_code == 200
    assert db.session.scalar(select(Item).where(
        Item.description == "Training for rehabilitation nurses")) is not None
    assert_like_a_fresh_run()
