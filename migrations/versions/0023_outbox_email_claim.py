"""outbox_email.claimed_until: one sender per e-mail at a time

Every app worker sends the outbox after its requests, and the scheduler every minute: two of
them could pick the same pending e-mail and both send it. A sender now claims the e-mail first
(a conditional UPDATE that only one wins) for a lease longer than an SMTP attempt can last;
a sender that died mid-way leaves a lease that lapses, and the e-mail is tried again.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 09:15:00

"""
from alembic import op
import sqlalchemy as sa

import partnership.core.database


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'claimed_until', partnership.core.database.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
