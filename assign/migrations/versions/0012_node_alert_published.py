"""node_alert.published: whether a stored alert's `alerts.raised` event is out (issue 17)

The nightly's store pass saves each range's alerts in the worker that found them, as it saves the
verdicts (`assign.alert_saves.save_range_alerts`), and publishes the night's new alerts once at its end,
per court as before. Between the two, a new alert is stored active with published = false; a pass
that stops there leaves it so, and the next pass publishes it (an alert is never stored active
without its event following). Rows stored before are published (server default true).

Revision ID: 0012_node_alert_published
Revises: 0011_case_status_debtor_index
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_node_alert_published"
down_revision = "0011_case_status_debtor_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("node_alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("node_alert", schema=None) as batch_op:
        batch_op.drop_column("published")
