"""pending sign-ins on the server: the visitor cookie no longer carries who is signing in

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 11:40:00

"""
from alembic import op
import sqlalchemy as sa

import partnership.core.database


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_sign_in',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('next_url', sa.String(length=2000), nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('created_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_pending_sign_in_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_sign_in'))
    )
    with op.batch_alter_table('pending_sign_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_sign_in_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_sign_in_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_sign_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_sign_in_user_id'))
        batch_op.drop_index(batch_op.f('ix_pending_sign_in_created_at'))
    op.drop_table('pending_sign_in')
