"""case_record (status, debtor_id): the store pass's linked-case counts from the index alone

Every store pass (the nightly's, `assign evaluate --store`) starts by counting, per debtor, the
cases of the unfinished statuses (§12.8: debtors with more than one are linked). With the
(status, case_no) index the database found the rows by status and then read every one of
them from the table for its debtor id: about 4 s of a 1M-case store's pass, before any worker
starts. With (status, debtor_id) the count reads this index alone (covering); both SQLite's
planner (without statistics) and PostgreSQL's choose it. `ix_case_record_debtor_id` stays: the
restoration leads join register rows to cases by debtor id across statuses.

Revision ID: 0011_case_status_debtor_index
Revises: 0010_verdict_texts
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0011_case_status_debtor_index"
down_revision = "0010_verdict_texts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_record_status_debtor_id", "case_record", ["status", "debtor_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_record_status_debtor_id", table_name="case_record")
