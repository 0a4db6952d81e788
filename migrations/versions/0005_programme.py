"""programme: centres, groups, children's cases, encrypted identities, consents,
placements, progress notes, timeline and follow-ups

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 12:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import partnership.core.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('child_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=False),
    sa.Column('sex', sa.Enum('female', 'male', name='child_sex', native_enum=False, length=40), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('circumstances', sa.Enum('parent_deceased', 'parent_missing', 'both', name='child_circumstances', native_enum=False, length=40), nullable=False),
    sa.Column('representative_type', sa.Enum('surviving_parent', 'relative', 'foster_family', 'guardianship_authority', 'institution', name='representative_type', native_enum=False, length=40), nullable=False),
    sa.Column('needs', sa.Text(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('has_accompanying_adult', sa.Boolean(), nullable=False),
    sa.Column('accompanying_adult_relation', sa.String(length=80), nullable=False),
    sa.Column('state', sa.Enum('referred', 'registered', 'assessment', 'placement_matched', 'travel_ready', 'in_programme', 'completed', 'follow_up', 'closed', 'on_hold', 'withdrawn', 'consent_withdrawn', name='case_state', native_enum=False, length=40), nullable=False),
    sa.Column('created_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', partnership.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', partnership.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('identity_erased_at', partnership.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('birth_year BETWEEN 2000 AND 2100', name=op.f('ck_child_case_birth_year_plausible')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child_case')),
    sa.UniqueConstraint('code', name=op.f('uq_child_case_code'))
    )
    with op.batch_alter_table('child_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_case_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_case_state'), ['state'], unique=False)

    op.create_table('child_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('updated_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['child_case.id'], name=op.f('fk_child_identity_case_id_child_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child_identity')),
    sa.UniqueConstraint('case_id', name=op.f('uq_child_identity_case_id'))
    )
    with op.batch_alter_table('child_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_identity_key_id'), ['key_id'], unique=False)

    op.create_table('programme_centre',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('enrolled_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_programme_centre_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_centre')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_programme_centre_organisation_id'))
    )
    op.create_table('programme_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_at', partnership.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('months IN (1, 3, 6)', name=op.f('ck_programme_follow_up_months_allowed')),
    sa.ForeignKeyConstraint(['case_id'], ['child_case.id'], name=op.f('fk_programme_follow_up_case_id_child_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_follow_up')),
    sa.UniqueConstraint('case_id', 'months', name=op.f('uq_programme_follow_up_case_id'))
    )
    with op.batch_alter_table('programme_follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_follow_up_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_follow_up_due_on'), ['due_on'], unique=False)

    op.create_table('programme_case_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=40), nullable=True),
    sa.Column('to_state', sa.String(length=40), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_programme_case_event_actor_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['child_case.id'], name=op.f('fk_programme_case_event_case_id_child_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_case_event'))
    )
    with op.batch_alter_table('programme_case_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_case_event_case_id'), ['case_id'], unique=False)

    op.create_table('programme_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('relationship_to_child', sa.String(length=80), nullable=False),
    sa.Column('participation', sa.Boolean(), nullable=False),
    sa.Column('travel', sa.Boolean(), nullable=False),
    sa.Column('sharing_with_centre', sa.Boolean(), nullable=False),
    sa.Column('photos', sa.Boolean(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('child_assent', sa.Boolean(), nullable=False),
    sa.Column('document_name', sa.String(length=80), nullable=True),
    sa.Column('document_media_type', sa.String(length=40), nullable=True),
    sa.Column('recorded_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', partnership.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['child_case.id'], name=op.f('fk_programme_consent_case_id_child_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_programme_consent_recorded_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_consent'))
    )
    with op.batch_alter_table('programme_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_consent_case_id'), ['case_id'], unique=False)

    op.create_table('programme_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('placed_count', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('focus', sa.Enum('psychological', 'physical', 'both', name='programme_focus', native_enum=False, length=40), nullable=False),
    sa.Column('accompanying_staff', sa.Text(), nullable=False),
    sa.Column('created_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_programme_group_capacity_positive')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_programme_group_dates_in_order')),
    sa.CheckConstraint('placed_count <= capacity', name=op.f('ck_programme_group_within_capacity')),
    sa.CheckConstraint('placed_count >= 0', name=op.f('ck_programme_group_placed_not_negative')),
    sa.ForeignKeyConstraint(['centre_id'], ['programme_centre.id'], name=op.f('fk_programme_group_centre_id_programme_centre'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_group'))
    )
    with op.batch_alter_table('programme_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_group_centre_id'), ['centre_id'], unique=False)

    op.create_table('programme_progress_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_programme_progress_note_author_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['child_case.id'], name=op.f('fk_programme_progress_note_case_id_child_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_progress_note'))
    )
    with op.batch_alter_table('programme_progress_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_progress_note_case_id'), ['case_id'], unique=False)

    op.create_table('programme_placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('placed_at', partnership.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', partnership.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['child_case.id'], name=op.f('fk_programme_placement_case_id_child_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['programme_group.id'], name=op.f('fk_programme_placement_group_id_programme_group'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['placed_by_id'], ['app_user.id'], name=op.f('fk_programme_placement_placed_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_placement'))
    )
    with op.batch_alter_table('programme_placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_placement_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_placement_group_id'), ['group_id'], unique=False)
        batch_op.create_index('uq_programme_placement_open', ['case_id'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))


def downgrade():
    op.drop_table('programme_placement')
    op.drop_table('programme_progress_note')
    op.drop_table('programme_group')
    op.drop_table('programme_consent')
    op.drop_table('programme_case_event')
    op.drop_table('programme_follow_up')
    op.drop_table('programme_centre')
    op.drop_table('child_identity')
    op.drop_table('child_case')
