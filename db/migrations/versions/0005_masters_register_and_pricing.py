"""masters register, matching, pricing, reviews

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warranty_min_months', sa.Integer(), server_default='1',
                                      nullable=False))
    with op.batch_alter_table('masters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_form', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('tax_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('districts', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('documents', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('photo', sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column('on_duty', sa.Boolean(), server_default='1',
                                      nullable=False))
        batch_op.add_column(sa.Column('reject_reason', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('block_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('question', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answer', sa.Text(), nullable=True))
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('auto_offer', sa.Boolean(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('warranty_months', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('report_notes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('proposed_visit_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('proposed_by', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('checkin_lat', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('checkin_lon', sa.Double(), nullable=True))
    op.create_table(
        'price_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('item', sa.String(length=200), nullable=False),
        sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_price_items_order', 'price_items', ['order_id'])
    op.create_table(
        'reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('master_id', sa.Integer(), nullable=False),
        sa.Column('service', sa.String(length=32), nullable=False),
        sa.Column('stars', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id']),
        sa.ForeignKeyConstraint(['master_id'], ['masters.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('order_id'),
    )
    op.create_index('ix_reviews_master', 'reviews', ['master_id', 'service'])


def downgrade() -> None:
    op.drop_index('ix_reviews_master', table_name='reviews')
    op.drop_table('reviews')
    op.drop_index('ix_price_items_order', table_name='price_items')
    op.drop_table('price_items')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for col in ('checkin_lon', 'checkin_lat', 'proposed_by', 'proposed_visit_at',
                    'report_notes', 'warranty_months', 'auto_offer', 'district'):
            batch_op.drop_column(col)
    with op.batch_alter_table('masters', schema=None) as batch_op:
        for col in ('answer', 'question', 'block_reason', 'reject_reason', 'on_duty', 'photo',
                    'documents', 'districts', 'tax_id', 'legal_form'):
            batch_op.drop_column(col)
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('warranty_min_months')
