"""indexes for the desk's /stats at 100,000 orders [issue 16, big desks]

ix_audit_action (action, order_id, created_at): the SLA breaches are counted and each order's
first acceptance found inside the index, without reading the audit log's rows.
ix_orders_sla (sla_state, status): the overdue orders are counted from the few breached ones.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-12 10:00:00
"""

from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_action', 'audit_log', ['action', 'order_id', 'created_at'])
    op.create_index('ix_orders_sla', 'orders', ['sla_state', 'status'])


def downgrade() -> None:
    op.drop_index('ix_orders_sla', table_name='orders')
    op.drop_index('ix_audit_action', table_name='audit_log')
