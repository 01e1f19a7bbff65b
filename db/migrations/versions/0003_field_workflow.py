"""field workflow

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 16:41:14.808796
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('stopped', sa.Boolean(), server_default='0', nullable=False))




def downgrade() -> None:

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('stopped')
        batch_op.drop_column('checked_in_at')


