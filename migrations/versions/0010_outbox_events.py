"""outbox events: domain events written with their change and dispatched after commit, and the
handlers that have run for each (so a retry runs every handler once)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 12:30:00

"""
from alembic import op
import sqlalchemy as sa

import partnership.core.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', partnership.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_event'))
    )
    with op.batch_alter_table('outbox_event', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_event_pending', ['dispatched_at', 'id'], unique=False)

    op.create_table('handled_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('handler', sa.String(length=120), nullable=False),
    sa.Column('handled_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['outbox_event.id'], name=op.f('fk_handled_event_event_id_outbox_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handled_event')),
    sa.UniqueConstraint('event_id', 'handler', name=op.f('uq_handled_event_event_id'))
    )


def downgrade():
    op.drop_table('handled_event')
    with op.batch_alter_table('outbox_event', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_event_pending')
    op.drop_table('outbox_event')
