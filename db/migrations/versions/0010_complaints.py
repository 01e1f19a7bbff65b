"""complaints: the client's warranty claim and the desk's decision

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complaint', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('complaint_photos', sa.JSON(), server_default='[]',
                                      nullable=False))
        batch_op.add_column(sa.Column('resolution', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('resolution_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('refund', sa.Numeric(precision=12, scale=2),
                                      nullable=True))
        batch_op.add_column(sa.Column('rework_due', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for col in ('rework_due', 'refund', 'resolution_note', 'resolution', 'complaint_photos',
                    'complaint'):
            batch_op.drop_column(col)
