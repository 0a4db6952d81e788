"""full-text search: search_document (lemmas and concepts of each organisation's names, place and
texts) with a weighted tsvector, GIN and pg_trgm indexes on PostgreSQL or an FTS5 table kept by
triggers on SQLite; filled for the existing organisations

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

SQLITE = (
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        names, place, body, content='search_document', content_rowid='organisation_id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
        INSERT INTO search_fts(rowid, names, place, body)
        VALUES (new.organisation_id, new.names, new.place, new.body);
    END""",
    """CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, names, place, body)
        VALUES ('delete', old.organisation_id, old.names, old.place, old.body);
    END""",
    """CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, names, place, body)
        VALUES ('delete', old.organisation_id, old.names, old.place, old.body);
        INSERT INTO search_fts(rowid, names, place, body)
        VALUES (new.organisation_id, new.names, new.place, new.body);
    END""",
)
POSTGRES = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', names), 'A') ||
        setweight(to_tsvector('simple', place), 'B') ||
        setweight(to_tsvector('simple', body), 'C')) STORED""",
    "CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)",
    "CREATE INDEX ix_search_document_fuzzy ON search_document USING gin (fuzzy gin_trgm_ops)",
)


def upgrade():
    op.create_table('search_document',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('names', sa.Text(), nullable=False),
    sa.Column('place', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('fuzzy', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_search_document_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_search_document'))
    )
    bind = op.get_bind()
    for statement in (POSTGRES if bind.dialect.name == "postgresql" else SQLITE):
        op.execute(statement)
    from partnership.organisations.fulltext import reindex

    # search_generation comes with 0027, the listing's columns with 0029
    reindex(bind, advance=False, listing=False)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        for name in ("search_document_au", "search_document_ad", "search_document_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table('search_document')
