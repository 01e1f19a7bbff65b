"""the job messages shown to masters, to stub them when the job is lost [issue 9, item 13]

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'job_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('message_id', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('job_messages', schema=None) as batch_op:
        batch_op.create_index('ix_job_messages_order', ['order_id', 'chat_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('job_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_job_messages_order')
    op.drop_table('job_messages')
