"""an index on orders.topic_id: a manager's message in a topic finds its order

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:35:00
"""

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_orders_topic', 'orders', ['topic_id'])


def downgrade() -> None:
    op.drop_index('ix_orders_topic', table_name='orders')
