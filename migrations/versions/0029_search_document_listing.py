"""search_document: whether the organisation is listed (verified and public) and its country

The directory filters every search by the listing's condition (and often by a country). Until
now the ranking joined each match to its organisation for them: on PostgreSQL, "hospital" among
10,000 organisations hashed all 10,000 organisations and joined its 6,200 matches to them.
With the two columns in the document the ranking reads ``search_document`` alone (a rare
word's statement 7-8 -> 2 ms, a common word's 20-24 -> 15-23 ms). The search index writes them
with the rest of the document whenever an organisation changes. SQLite gets them too (one shape
of document), though its ranking still joins the organisations (``fulltext.apply``).

After the upgrade on PostgreSQL every row of ``search_document`` has a new version: run
``VACUUM ANALYZE search_document`` (autovacuum will, in time) so the old ones do not slow the
searches.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-02 05:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

FILL = """UPDATE search_document SET
    listed = COALESCE((SELECT o.status = 'verified' AND o.public_listing FROM organisation o
                       WHERE o.id = search_document.organisation_id), FALSE),
    country = COALESCE((SELECT o.country FROM organisation o
                        WHERE o.id = search_document.organisation_id), '')"""


def upgrade():
    op.add_column('search_document', sa.Column('listed', sa.Boolean(), nullable=False,
                                               server_default=sa.false()))
    op.add_column('search_document', sa.Column('country', sa.String(length=40), nullable=False,
                                               server_default=''))
    op.execute(FILL)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE search_document")


def downgrade():
    # Not a batch operation: SQLite would copy the table and lose the triggers that keep the
    # FTS5 table in step (its own DROP COLUMN, since 3.35, keeps them).
    op.execute("ALTER TABLE search_document DROP COLUMN country")
    op.execute("ALTER TABLE search_document DROP COLUMN listed")
