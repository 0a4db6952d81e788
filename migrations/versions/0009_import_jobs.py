"""import jobs: each upload to the import page, its file until it has run, progress and report

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 11:24:55.611136

"""
from alembic import op
import sqlalchemy as sa

import partnership.core.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('organisations', 'items', name='import_kind', native_enum=False, length=40), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'succeeded', 'failed', name='import_status', native_enum=False, length=40), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_checked', sa.Integer(), nullable=False),
    sa.Column('created_count', sa.Integer(), nullable=False),
    sa.Column('updated_count', sa.Integer(), nullable=False),
    sa.Column('unchanged_count', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', partnership.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', partnership.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('rows_total >= 0 AND rows_checked >= 0 AND created_count >= 0 AND updated_count >= 0 AND unchanged_count >= 0', name=op.f('ck_import_job_counts_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_import_job_created_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_job'))
    )
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_job_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index('ix_import_job_status_created', ['status', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_index('ix_import_job_status_created')
        batch_op.drop_index(batch_op.f('ix_import_job_created_by_id'))

    op.drop_table('import_job')
