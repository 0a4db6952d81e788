"""contact_message: messages to the embassy sent through the contact form

Kept until an officer marks each answered; the officers' "My work" counts the unanswered ones
by ``ix_contact_message_unanswered``.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 22:50:00

"""
from alembic import op
import sqlalchemy as sa

import partnership.core.database


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'contact_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('sender_id', sa.Integer(), nullable=True),
        sa.Column('created_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('answered_at', partnership.core.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("body <> ''", name=op.f('ck_contact_message_body_not_empty')),
        sa.ForeignKeyConstraint(['answered_by_id'], ['app_user.id'],
                                name=op.f('fk_contact_message_answered_by_id_app_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['sender_id'], ['app_user.id'],
                                name=op.f('fk_contact_message_sender_id_app_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_message')),
    )
    with op.batch_alter_table('contact_message', schema=None) as batch_op:
        batch_op.create_index('ix_contact_message_unanswered', ['answered_at', 'created_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_contact_message_sender_id'), ['sender_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('contact_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_message_sender_id'))
        batch_op.drop_index('ix_contact_message_unanswered')
    op.drop_table('contact_message')
