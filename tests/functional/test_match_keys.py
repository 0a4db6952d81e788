"""A proposal's keys: each side's item and organisation are one key to the item (migration
0026), so the organisation stored is always the item's own, and proposals go with their items
and organisations."""

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from partnership.extensions import db
from partnership.matching.models import Match
from partnership.organisations.models import Country, Item, Organisation

from ..factories import OrganisationFactory
from .test_my_work import _match, _need, _offer


def _count() -> int:
    return db.session.scalar(select(func.count(Match.id)))


def test_a_proposal_cannot_name_another_organisation_than_its_items(app):
    ukrainian, kazakh, third = (OrganisationFactory(), OrganisationFactory(country=Country.KZ),
                                OrganisationFactory(country=Country.KZ))
    need, offer = _need(ukrainian), _offer(kazakh)
    _match(need, offer)
    for wrong in ({"offer_organisation_id": third.id}, {"need_organisation_id": third.id}):
        row = {"need_id": need.id, "offer_id": _offer(kazakh).id,
               "need_organisation_id": ukrainian.id, "offer_organisation_id": kazakh.id,
               "score": 0.5, "need_version": need.updated_at,
               "offer_version": offer.updated_at, **wrong}
        with pytest.raises(IntegrityError):
            db.session.execute(Match.__table__.insert().values(row))
            db.session.flush()
        db.session.rollback()
    assert _count() == 1


@pytest.mark.parametrize("removed", ["item", "organisation"])
def test_proposals_go_with_their_item_or_organisation(app, removed):
    ukrainian, kazakh = OrganisationFactory(), OrganisationFactory(country=Country.KZ)
    need, offer = _need(ukrainian), _offer(kazakh)
    _match(need, offer)
    _match(_need(OrganisationFactory()), _offer(OrganisationFactory(country=Country.KZ)))
    if removed == "item":
        db.session.execute(delete(Item).where(Item.id == offer.id))
    else:
        db.session.execute(delete(Organisation).where(Organisation.id == kazakh.id))
    db.session.commit()
    assert _count() == 1
