"""notifications: in-app notifications (kept 180 days), each user's choice per category
(immediately, daily digest, off), and the digests sent (one per user per day)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 14:40:36.935907

"""
from alembic import op
import sqlalchemy as sa

import partnership.core.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('proposals', 'partnerships', 'memoranda', 'organisation', 'programme', 'security', name='notification_category', native_enum=False, length=40), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('endpoint', sa.String(length=80), nullable=False),
    sa.Column('link_args', sa.JSON(), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=True),
    sa.Column('created_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', partnership.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivery', sa.Enum('emailed', 'digest', 'digested', 'none', name='notification_delivery', native_enum=False, length=40), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_notification_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('user_id', 'key', name='uq_notification_user_key')
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_notification_delivery', ['delivery', 'user_id'], unique=False)
        batch_op.create_index('ix_notification_user_created', ['user_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('notification_digest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('created_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_notification_digest_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_digest')),
    sa.UniqueConstraint('user_id', 'sent_on', name='uq_notification_digest')
    )
    op.create_table('notification_preference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('proposals', 'partnerships', 'memoranda', 'organisation', 'programme', 'security', name='notification_category', native_enum=False, length=40), nullable=False),
    sa.Column('mode', sa.Enum('immediately', 'digest', 'off', name='notification_mode', native_enum=False, length=40), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_notification_preference_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preference')),
    sa.UniqueConstraint('user_id', 'category', name='uq_notification_pref')
    )


def downgrade():
    op.drop_table('notification_preference')
    op.drop_table('notification_digest')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')
        batch_op.drop_index('ix_notification_user_created')
        batch_op.drop_index('ix_notification_delivery')
        batch_op.drop_index(batch_op.f('ix_notification_created_at'))

    op.drop_table('notification')
