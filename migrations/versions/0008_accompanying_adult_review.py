"""programme: the accompanying adult's name awaits the coordinator's review

The identity record now keeps the adult's given name and surname apart. Records written
before hold one free-text name, which this migration cannot read (it is encrypted and the
keys are not the database's): every case with a named adult and an identity record is put on
the coordinator's review list. ``flask convert-accompanying-adults`` (run by ``make run``; once
after upgrading in production) splits the names it can split safely and takes those cases
off the list; the coordinator splits the rest.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 11:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('child_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adult_name_to_review', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    case = sa.table('child_case', sa.column('id', sa.Integer()),
                    sa.column('has_accompanying_adult', sa.Boolean()),
                    sa.column('adult_name_to_review', sa.Boolean()))
    identity = sa.table('child_identity', sa.column('case_id', sa.Integer()))
    op.execute(case.update()
               .where(case.c.has_accompanying_adult.is_(sa.true()),
                      case.c.id.in_(sa.select(identity.c.case_id)))
               .values(adult_name_to_review=sa.true()))


def downgrade():
    with op.batch_alter_table('child_case', schema=None) as batch_op:
        batch_op.drop_column('adult_name_to_review')
