"""card digest: what each desk card shows now

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:35:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('orders', 'masters'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('card_digest', sa.String(length=40), nullable=True))


def downgrade() -> None:
    for table in ('orders', 'masters'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('card_digest')
