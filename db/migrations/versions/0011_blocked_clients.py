"""blocked clients [R §8, Q]

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 10:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blocked', sa.Boolean(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('block_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('block_reason')
        batch_op.drop_column('blocked')
