"""merge the API and nightly branches; index open cases in case_no order

Every bulk reader (the store-wide rules pass, the nightly job, iter_cases) walks the cases
of one status in case_no ranges. With an index on status alone SQLite scanned every case of
that status for each range; (status, case_no) answers each range directly.

Revision ID: 0004_case_status_order
Revises: 0002_api, 0003_runs
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0004_case_status_order"
down_revision = ("0002_api", "0003_runs")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.create_index("ix_case_record_status_case_no", ["status", "case_no"], unique=False)
        batch_op.drop_index("ix_case_record_status")


def downgrade() -> None:
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.create_index("ix_case_record_status", ["status"], unique=False)
        batch_op.drop_index("ix_case_record_status_case_no")
