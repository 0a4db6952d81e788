"""programme_consent.valid_until: a consent may be given until a date

Optional (NULL: no end). An expired consent counts as no consent: it no longer meets the
guards of the case's next steps, nor lets the centre see the child. Indexed for the
coordinators' "consents expiring within 30 days or expired" entry and daily reminder.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 16:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programme_consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))
        batch_op.create_index('ix_programme_consent_valid_until', ['valid_until'])


def downgrade():
    with op.batch_alter_table('programme_consent', schema=None) as batch_op:
        batch_op.drop_index('ix_programme_consent_valid_until')
        batch_op.drop_column('valid_until')
