"""match: drop ix_match_created_at, the first column of ix_match_funnel

Migration 0016 indexed match.created_at for the dashboard's funnel; 0018 added ix_match_funnel
(created_at, interest_at, mutual_at, vetted_at), which serves every query the first served (the
funnel's counts, steps and partnerships select by a range of created_at; nothing orders by it
alone). The matching run writes 150,000 proposals at once, and each index is upkeep for every
row: one fewer of ten.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 12:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_index('ix_match_created_at')


def downgrade():
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.create_index('ix_match_created_at', ['created_at'], unique=False)
