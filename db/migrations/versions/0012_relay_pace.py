"""relay pace per person: the token bucket's state on the user row (issue 9, item 6)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relay_tat', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('relay_hushed_until', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('relay_hushed_until')
        batch_op.drop_column('relay_tat')
