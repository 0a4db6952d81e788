"""``core.bulk.insert_rows`` (COPY on PostgreSQL, executemany on SQLite) stores exactly what a
Core insert of the same plain rows stores, with ids in the rows' order."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select

from partnership.core.bulk import insert_rows
from partnership.extensions import db
from partnership.matching.models import Match, MatchStatus, Origin
from partnership.organisations.models import Country, Direction

from ..factories import ItemFactory, OrganisationFactory


def rows(needs, offers, now, falling=True):
    """One proposal per pair; scores falling (or rising) with the pair's number."""
    return [{"need_id": need.id, "offer_id": offer.id,
             "need_organisation_id": need.organisation_id,
             "offer_organisation_id": offer.organisation_id,
             "status": MatchStatus.DECLINED if n % 2 else MatchStatus.PROPOSED,
             "origin": Origin.ENGINE, "rationale": "",
             "status_reason": "ö 'quoted'\t%s\\n" if falling else "ö 'quoted' %s",
             "need_version": now - timedelta(days=n % 3 if falling else n),
             "offer_version": now, "created_at": now, "updated_at": now,
             "score": (0.9 - 0.08 * n if falling else 0.08 * n) + 0.0001,
             "components": {"area": 1.0, "text": round(n / 3, 4), "kind": 0.5}}
            for n, (need, offer) in enumerate((a, b) for a in needs for b in offers)]


def pairs():
    ua = OrganisationFactory()
    kz = OrganisationFactory(country=Country.KZ, languages=["kk", "ru"])
    needs = [ItemFactory(organisation=ua, direction=Direction.NEED) for _ in range(3)]
    offers = [ItemFactory(organisation=kz) for _ in range(4)]
    db.session.commit()
    return needs, offers


def stored():
    table = Match.__table__
    columns = [c for c in table.c if c.name != "id"]
    return sorted(tuple(row) for row in db.session.execute(select(*columns)))


def test_insert_rows_stores_what_a_core_insert_stores(app):
    needs, offers = pairs()
    now = datetime(2026, 11, 30, 12, 0, 1, 123456, tzinfo=UTC)
    db.session.execute(insert(Match.__table__), rows(needs, offers, now, falling=False))
    by_core = stored()
    db.session.execute(delete(Match))
    insert_rows(Match.__table__, rows(needs, offers, now, falling=False), chunk=5)
    db.session.commit()
    by_driver = stored()
    assert len(by_driver) == 12
    assert by_driver == by_core
    match = db.session.scalar(select(Match).order_by(Match.score.desc()).limit(1))
    assert match.components == {"area": 1.0, "text": 3.6667, "kind": 0.5}
    assert match.status == MatchStatus.DECLINED and match.need_version == now - timedelta(days=11)


def test_insert_rows_stores_what_a_core_insert_stores_in_order(app):
    needs, offers = pairs()
    now = datetime(2026, 11, 30, 12, 0, 1, 123456, tzinfo=UTC)
    db.session.execute(insert(Match.__table__), rows(needs, offers, now))
    by_core = stored()
    db.session.execute(delete(Match))
    given = rows(needs, offers, now)
    insert_rows(Match.__table__, given, chunk=5)
    db.session.commit()
    assert stored() == by_core and len(by_core) == 12
    in_id_order = db.session.execute(
        select(Match.need_id, Match.offer_id).order_by(Match.id)).all()
    assert [tuple(r) for r in in_id_order] == [(r["need_id"], r["offer_id"]) for r in given]
    match = db.session.scalar(select(Match).order_by(Match.score.desc()).limit(1))
    assert match.components == {"area": 1.0, "text": 0.0, "kind": 0.5}
    assert match.status == MatchStatus.PROPOSED and match.need_version == now
    assert match.status_reason == "ö 'quoted'\t%s\\n"


def test_insert_rows_leaves_the_sqlite_page_cache_as_it_was(app):
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    ua = OrganisationFactory()
    kz = OrganisationFactory(country=Country.KZ, languages=["kk", "ru"])
    need = ItemFactory(organisation=ua, direction=Direction.NEED)
    offer = ItemFactory(organisation=kz)
    db.session.flush()
    insert_rows(Match.__table__, rows([need], [offer], datetime.now(UTC)))
    assert db.session.connection().exec_driver_sql("PRAGMA cache_size").scalar() == before
