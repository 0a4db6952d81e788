"""my work: when each user last looked at the proposals page and at each memorandum, and the
indexes the "My work" queries read

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 15:00:00

"""
from alembic import op
import sqlalchemy as sa

import partnership.core.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('seen_mark',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_seen_mark_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'topic', 'subject_id', name=op.f('pk_seen_mark'))
    )
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.create_index('ix_match_status_updated', ['status', 'updated_at'], unique=False)
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.create_index('ix_partnership_updated_at', ['updated_at'], unique=False)
    with op.batch_alter_table('child_case', schema=None) as batch_op:
        batch_op.create_index('ix_child_case_adult_review', ['adult_name_to_review'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('child_case', schema=None) as batch_op:
        batch_op.drop_index('ix_child_case_adult_review')
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.drop_index('ix_partnership_updated_at')
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_index('ix_match_status_updated')
    op.drop_table('seen_mark')
