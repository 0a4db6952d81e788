"""area supply: the dashboard's supply and demand per area of medicine, stored by each
matching run (the page no longer counts every item on each visit); indexes for the dashboard's other counts

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 16:15:00

"""
from alembic import op
import sqlalchemy as sa

import partnership.core.database


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'area_supply',
        sa.Column('area', sa.String(length=60), nullable=False),
        sa.Column('needs', sa.Integer(), nullable=False),
        sa.Column('offers', sa.Integer(), nullable=False),
        sa.Column('unmet_needs', sa.Integer(), nullable=False),
        sa.Column('unneeded_offers', sa.Integer(), nullable=False),
        sa.Column('computed_at', partnership.core.database.UTCDateTime(timezone=True),
                  nullable=False),
        sa.PrimaryKeyConstraint('area', name=op.f('pk_area_supply')))
    # The dashboard's other counts read indexes only.
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index('ix_organisation_status_region', ['status', 'region'], unique=False)
        batch_op.create_index('ix_organisation_created_at', ['created_at'], unique=False)
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.create_index('ix_match_funnel',
                              ['created_at', 'interest_at', 'mutual_at', 'vetted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_index('ix_match_funnel')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index('ix_organisation_created_at')
        batch_op.drop_index('ix_organisation_status_region')
    op.drop_table('area_supply')
