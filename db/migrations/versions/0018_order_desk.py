"""orders.desk_chat_id: the desk group an order was routed to [issue 16, DESK_ROUTES]

NULL is the default desk (DESK_CHAT_ID): every order from before keeps its topic and card
where they are.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-14 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('desk_chat_id', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('desk_chat_id')
