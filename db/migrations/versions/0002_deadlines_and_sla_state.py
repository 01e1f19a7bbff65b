"""deadlines and SLA state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:22:31.504639
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('late_seconds', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_deadlines_due', ['state', 'due_at'], unique=False)
        batch_op.create_index('ix_deadlines_order', ['order_id', 'state'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sla_state', sa.String(length=8), server_default='ok',
                                      nullable=False))
        batch_op.add_column(sa.Column('sla_kind', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('sla_due_at', sa.DateTime(timezone=True), nullable=True))




def downgrade() -> None:

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('sla_due_at')
        batch_op.drop_column('sla_kind')
        batch_op.drop_column('sla_state')
        batch_op.drop_column('visit_at')

    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_order')
        batch_op.drop_index('ix_deadlines_due')

    op.drop_table('deadlines')

