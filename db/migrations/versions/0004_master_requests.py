"""master requests

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 16:43:16.375488
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('request_reason', sa.String(length=24), nullable=True))




def downgrade() -> None:

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('request_reason')
        batch_op.drop_column('request')


