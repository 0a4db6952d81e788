"""stored_file: uploads and PDF caches in storage every app host shares

The database backend of ``core/storage.py`` (``STORAGE_BACKEND=database``, the default): one row
per file, its bytes in ``data`` (``bytea`` on PostgreSQL, ``BLOB`` on SQLite), known by area and
key. Files kept on a host's disk before (``instance/uploads``, ``instance/cache``) move here with
``flask migrate-uploads``.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 22:40:00

"""
from alembic import op
import sqlalchemy as sa

import partnership.core.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('area', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', partnership.core.database.UTCDateTime(timezone=True),
                  nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('area', 'key', name='uq_stored_file_area_key'),
    )


def downgrade():
    op.drop_table('stored_file')
