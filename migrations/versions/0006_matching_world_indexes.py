"""indexes on updated_at: the matching worker reads the organisations and items changed

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 13:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_organisation_updated_at'), 'organisation', ['updated_at'],
                    unique=False)
    op.create_index(op.f('ix_item_updated_at'), 'item', ['updated_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_item_updated_at'), table_name='item')
    op.drop_index(op.f('ix_organisation_updated_at'), table_name='organisation')
