"""case_record (case_no, status, content_hash): a night's data snapshot from the index alone

Every nightly run starts with its data snapshot (`assign.runs.data_snapshot`, part of the run id):
every case's number, status and content hash in case-number order. Without an index holding the
three, the database walked the primary key and read each case's row from the table for its status
and hash (the rows hold the case JSON): 2.2 s of CPU on a 200k-case store, ≈ 10× that on the
national one (1.8M cases), before the night's first stage. With this index the snapshot reads it
alone (covering: 0.52 s on the 200k store); SQLite's planner (without statistics) and PostgreSQL's
(index-only scan) choose it. It is written with each case's row (an import, an update, the store
pass's stamping of checked rows), as the status and debtor indexes are.

Revision ID: 0014_case_snapshot_index
Revises: 0013_verdict_day_major_key
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0014_case_snapshot_index"
down_revision = "0013_verdict_day_major_key"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_record_snapshot", "case_record", ["case_no", "status", "content_hash"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_record_snapshot", table_name="case_record")
