"""The worker's warm world proposes exactly what a fresh load from the database proposes,
after every kind of change: an edited, withdrawn or expired item, an organisation no longer
verified or taken off the agreed list."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from partnership.core.database import utcnow
from partnership.extensions import db
from partnership.matching import engine
from partnership.matching.services import load_world, related_areas
from partnership.matching.world import World
from partnership.organisations import demo
from partnership.organisations.models import Item, ItemStatus, Organisation, Status

TODAY = date.today()


def from_database(organisation_id, today=TODAY):
    parties, entries, versions, areas_of = load_world(today, organisation_id)
    involving = None if organisation_id is None else {organisation_id}
    found = engine.propose(parties, entries, related_areas(), engine.Settings(min_score=0.3),
                           involving, areas_of)
    return [(c.need_id, c.offer_id, c.score, versions[c.need_id], versions[c.offer_id])
            for c in found]


def from_world(world, organisation_id, today=TODAY):
    world.refresh(today)
    parties, entries, versions, masks = world.snapshot(organisation_id)
    involving = None if organisation_id is None else {organisation_id}
    found = engine.propose(parties, entries, related_areas(), engine.Settings(min_score=0.3),
                           involving, masks=masks)
    return [(c.need_id, c.offer_id, c.score, versions[c.need_id], versions[c.offer_id])
            for c in found]


@pytest.fixture
def world(app):
    with app.app_context():
        demo.generate(60, seed=7)
        db.session.commit()
        warm = World(related_areas())
        warm.refresh(TODAY)
        yield warm


def an_item(organisation_id, direction=None):
    statement = select(Item).where(Item.organisation_id == organisation_id).order_by(Item.id)
    if direction:
        statement = statement.where(Item.direction == direction)
    return db.session.scalars(statement).first()


def test_a_warm_world_agrees_with_the_database_before_any_change(world):
    assert from_world(world, None) == from_database(None)
    for organisation_id in (1, 17, 42):
        assert from_world(world, organisation_id) == from_database(organisation_id)


def changes():
    def edit(organisation):
        item = an_item(organisation.id, "offer")
        item.quantity, item.updated_at = (item.quantity or 0) + 25, utcnow()
        item.description = "Дитяча реабілітація та навчання фахівців"

    def move_area(organisation):
        item = an_item(organisation.id, "need")
        item.area, item.updated_at = "paediatric_rehabilitation", utcnow()

    def withdraw(organisation):
        item = an_item(organisation.id)
        item.status, item.updated_at = ItemStatus.WITHDRAWN, utcnow()

    def unverify(organisation):
        organisation.status, organisation.updated_at = Status.SUSPENDED, utcnow()

    def new_item(organisation):
        template = an_item(organisation.id, "offer")
        db.session.add(Item(
            organisation_id=organisation.id, direction=template.direction,
            area="physical_rehabilitation", dimension=template.dimension, form=template.form,
            description="Rehabilitation training", description_key="x" * 16, quantity=3,
            languages=["uk", "kk"], valid_until=TODAY + timedelta(days=90),
            status=ItemStatus.ACTIVE, created_at=utcnow(), updated_at=utcnow()))

    return [edit, move_area, withdraw, unverify, new_item]


@pytest.mark.parametrize("change", changes(), ids=lambda f: f.__name__)
def test_after_a_change_the_warm_world_still_agrees(world, change):
    organisation = db.session.get(Organisation, 5)
    change(organisation)
    db.session.commit()
    for organisation_id in (5, 6, None):
        assert from_world(world, organisation_id) == from_database(organisation_id)


def test_items_expire_by_date_without_any_row_changing(world):
    soonest = db.session.scalar(select(Item.valid_until).order_by(Item.valid_until))
    later = soonest + timedelta(days=1)
    assert from_world(world, None, later) == from_database(None, later)
    assert from_world(world, None, later) != from_database(None, TODAY)


def test_the_agreed_list_is_seen_through_the_organisation_row(world, app):
    from partnership.matching.services import agreed_list_gate  # noqa: F401 - the gate reads fresh
    from partnership.organisations.verification import set_agreed_list

    from ..factories import UserFactory

    officer = UserFactory(role="embassy_officer")
    organisation = db.session.get(Organisation, 9)
    set_agreed_list(officer, organisation, not organisation.on_agreed_list)
    db.session.commit()
    world.refresh(TODAY)
    assert world.parties[9].on_agreed_list == organisation.on_agreed_list


@pytest.mark.parametrize("warm", [False, True], ids=["from the database", "warm world"])
def test_a_recomputation_right_after_a_full_run_changes_nothing(world, warm):
    """An organisation's offers join another's needs only where a full run puts them: among
    that need's best proposals, not merely above the threshold."""
    from partnership.matching.services import propose_matches

    propose_matches(today=TODAY)
    db.session.commit()
    for organisation_id in range(1, 61, 7):
        if warm:
            world.refresh(TODAY, organisation_id=organisation_id)
        summary = propose_matches(organisation_id, TODAY, world if warm else None)
        assert (summary.created, summary.reopened, summary.closed) == (0, 0, 0), organisation_id
