"""proposal_generation: one number that grows with each change of the proposals

The organisations' proposals pages are kept, rendered, in each app process
(matching/page_cache.py) under this number and ``search_generation``'s. Every transaction that
changes a proposal (a decision, the embassy's curation, a matching run) or a matching setting
adds one here just before its commit, so a page kept before the change is never served after
it.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02 01:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    generation = op.create_table(
        'proposal_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_generation')),
    )
    op.bulk_insert(generation, [{'id': 1, 'value': 0}])


def downgrade():
    op.drop_table('proposal_generation')
