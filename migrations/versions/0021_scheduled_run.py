"""scheduled_run: the scheduler's log, one row per attempt of a job's slot

The unique (job, due_at, attempt) makes each attempt run once whichever scheduler claims it;
fence is the token of the scheduler's Redis lock (a stale scheduler finds a newer one here).

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scheduled_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job', sa.String(length=60), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('fence', sa.BigInteger(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome', sa.Enum('running', 'succeeded', 'failed', name='run_outcome',
                                     native_enum=False, length=40), nullable=False),
        sa.Column('error', sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_run')),
        sa.UniqueConstraint('job', 'due_at', 'attempt', name='uq_scheduled_run_job_due_attempt'),
    )
    with op.batch_alter_table('scheduled_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduled_run_job'), ['job'], unique=False)
        batch_op.create_index(batch_op.f('ix_scheduled_run_fence'), ['fence'], unique=False)


def downgrade():
    with op.batch_alter_table('scheduled_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduled_run_fence'))
        batch_op.drop_index(batch_op.f('ix_scheduled_run_job'))
    op.drop_table('scheduled_run')
