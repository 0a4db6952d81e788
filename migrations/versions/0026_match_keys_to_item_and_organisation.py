"""match: each side's item and organisation as one key to the item

A proposal named its need, its offer and both organisations with four keys (two to item, two to
organisation), and nothing said the organisation stored was the item's own. Now (need_id,
need_organisation_id) and (offer_id, offer_organisation_id) each refer to item (id,
organisation_id), through a unique index on those two columns of item: the organisation is
always the item's, it still goes when the item or its organisation is deleted (the item's own
key to organisation cascades), and a full matching run checks two keys for each of its 150,000
new rows instead of four (PostgreSQL spent about half of its COPY on the key checks).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 13:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    # A unique index (not a constraint) is a key's target on both databases, and SQLite adds
    # it without copying the table.
    op.create_index('uq_item_id_organisation', 'item', ['id', 'organisation_id'], unique=True)
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_constraint('fk_match_need_id_item', type_='foreignkey')
        batch_op.drop_constraint('fk_match_offer_id_item', type_='foreignkey')
        batch_op.drop_constraint('fk_match_need_organisation_id_organisation', type_='foreignkey')
        batch_op.drop_constraint('fk_match_offer_organisation_id_organisation',
                                 type_='foreignkey')
        batch_op.create_foreign_key('fk_match_need_id_item', 'item',
                                    ['need_id', 'need_organisation_id'], ['id', 'organisation_id'],
                                    ondelete='CASCADE')
        batch_op.create_foreign_key('fk_match_offer_id_item', 'item',
                                    ['offer_id', 'offer_organisation_id'],
                                    ['id', 'organisation_id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_constraint('fk_match_need_id_item', type_='foreignkey')
        batch_op.drop_constraint('fk_match_offer_id_item', type_='foreignkey')
        batch_op.create_foreign_key('fk_match_need_id_item', 'item', ['need_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_foreign_key('fk_match_offer_id_item', 'item', ['offer_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_foreign_key('fk_match_need_organisation_id_organisation', 'organisation',
                                    ['need_organisation_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key('fk_match_offer_organisation_id_organisation',
                                    'organisation', ['offer_organisation_id'], ['id'],
                                    ondelete='CASCADE')
    op.drop_index('uq_item_id_organisation', table_name='item')
