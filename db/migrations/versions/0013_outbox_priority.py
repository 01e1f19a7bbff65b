"""outbox priority: the desk reads safety stops and SLA breaches first, relays last (issue 9,
item 6)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 14:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        # Rows queued before this migration are all "normal": they keep their order.
        batch_op.add_column(sa.Column('priority', sa.Integer(), server_default='1',
                                      nullable=False))
        batch_op.create_index('ix_outbox_next', ['status', 'priority', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_next')
        batch_op.drop_column('priority')
