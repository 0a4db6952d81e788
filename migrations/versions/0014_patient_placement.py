"""items: a need may say it can be split; patient placement joins the forms of cooperation

``item.splittable``: a need whose quantity several offers may share (a group of 20 trainees
that can go in groups of 4). Matching ranks an offer short of a need's quantity below the
offers that fit, unless the need can be split.

The new form ``patient_placement`` (treatment of patients at the partner's hospital, any area)
needs no change of the schema: forms are stored as text (no database enum type, no check);
existing rehabilitation placements stay as they are.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 14:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('splittable', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('splittable')
