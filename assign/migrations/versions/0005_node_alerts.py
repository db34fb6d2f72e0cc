"""node alerts: the node_alert table (issue 17)

Revision ID: 0005_node_alerts
Revises: 0004_case_status_order
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # binds `sqlmodel`; autogenerate writes sqlmodel.sql.sqltypes.AutoString
from alembic import op

revision = "0005_node_alerts"
down_revision = "0004_case_status_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "node_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("node", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("court_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("days_overdue", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("first_seen_on", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_no", "node", "due_on", name="uq_node_alert_case_node_due"),
    )
    with op.batch_alter_table("node_alert", schema=None) as batch_op:
        batch_op.create_index("ix_node_alert_active_court", ["active", "court_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_node_alert_case_no"), ["case_no"], unique=False)
        batch_op.create_index(batch_op.f("ix_node_alert_node"), ["node"], unique=False)
        batch_op.create_index(batch_op.f("ix_node_alert_severity"), ["severity"], unique=False)


def downgrade() -> None:
    op.drop_table("node_alert")
