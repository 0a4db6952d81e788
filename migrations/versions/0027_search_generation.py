"""search_generation: one number that grows with each change of the directory's data

The directory's pages are kept, rendered, in each app process (organisations/directory_cache.py)
under the number this table's one row holds. Every transaction that changes an organisation or
an item rewrites its search documents before its commit and adds one here in the same
transaction, so a page kept before the change is never served after it.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 19:20:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    generation = op.create_table(
        'search_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_generation')),
    )
    op.bulk_insert(generation, [{'id': 1, 'value': 0}])


def downgrade():
    op.drop_table('search_generation')
