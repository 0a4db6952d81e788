"""seal and catalogue: the sealed memorandum PDFs the platform issued (by SHA-256, for the
verify page's upload) and the cooperation package's jobs

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 15:00:00

"""
from alembic import op
import sqlalchemy as sa

import partnership.core.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issued_pdf',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('memorandum_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('languages', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('issued_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['memorandum_id'], ['memorandum.id'], name=op.f('fk_issued_pdf_memorandum_id_memorandum'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_pdf')),
    sa.UniqueConstraint('sha256', name=op.f('uq_issued_pdf_sha256'))
    )
    with op.batch_alter_table('issued_pdf', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_pdf_memorandum_id'), ['memorandum_id'], unique=False)

    op.create_table('catalogue_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('organisations', sa.Integer(), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', partnership.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', partnership.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_catalogue_job_created_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_job'))
    )
    with op.batch_alter_table('catalogue_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_job_key'), ['key'], unique=False)


def downgrade():
    with op.batch_alter_table('catalogue_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_job_key'))
    op.drop_table('catalogue_job')
    with op.batch_alter_table('issued_pdf', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_pdf_memorandum_id'))
    op.drop_table('issued_pdf')
