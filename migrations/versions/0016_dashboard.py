"""dashboard: when each proposal reached interest, mutual interest and vetting (the funnel of
the embassy's dashboard), backfilled from the audit log; indexes on match.created_at and for supply and demand

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 14:50:00

"""
from alembic import op
import sqlalchemy as sa

import partnership.core.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

STAMPED = partnership.core.database.UTCDateTime(timezone=True)


def upgrade():
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interest_at', STAMPED, nullable=True))
        batch_op.add_column(sa.Column('mutual_at', STAMPED, nullable=True))
        batch_op.add_column(sa.Column('vetted_at', STAMPED, nullable=True))
        batch_op.create_index(batch_op.f('ix_match_created_at'), ['created_at'], unique=False)
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index('ix_item_supply', ['area', 'direction', 'status', 'valid_until'],
                              unique=False)
    _backfill()


def _backfill():
    """Each step's first time, from the audit log's match decisions (every decision since the
    first release is audited with the state it led to)."""
    bind = op.get_bind()
    audit = sa.table('audit_event', sa.column('at', STAMPED), sa.column('action', sa.String),
                     sa.column('object_type', sa.String), sa.column('object_id', sa.String),
                     sa.column('details', sa.JSON))
    match = sa.table('match', sa.column('id', sa.Integer), sa.column('interest_at', STAMPED),
                     sa.column('mutual_at', STAMPED), sa.column('vetted_at', STAMPED))
    rows = bind.execute(
        sa.select(audit.c.object_id, audit.c.at, audit.c.details)
        .where(audit.c.object_type == 'match',
               audit.c.action.in_(('match.interest', 'match.vet')))
        .order_by(audit.c.at))
    first: dict[int, dict] = {}
    for object_id, at, details in rows:
        if not str(object_id or '').isdigit():
            continue
        after = (details or {}).get('after')
        stamps = first.setdefault(int(object_id), {})
        steps = {'interest_need': ('interest_at',), 'interest_offer': ('interest_at',),
                 'mutually_accepted': ('interest_at', 'mutual_at'),
                 'vetted': ('vetted_at',)}.get(after, ())
        for step in steps:
            stamps.setdefault(step, at)
    existing = {row[0] for row in bind.execute(sa.select(match.c.id))} if first else set()
    for match_id, stamps in first.items():
        if match_id in existing and stamps:
            bind.execute(sa.update(match).where(match.c.id == match_id).values(**stamps))


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_supply')
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_created_at'))
        batch_op.drop_column('vetted_at')
        batch_op.drop_column('mutual_at')
        batch_op.drop_column('interest_at')
