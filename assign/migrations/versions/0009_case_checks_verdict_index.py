"""case_record.checks_version (trusted reads of checked rows); drop the verdict table's redundant case_no index

`checks_version` records the version of the record checks a row passed when written
(`assign.stored_case`): bulk reads skip the Python-only checks of rows at the current version
whose hash matches their JSON. Existing rows get NULL: the store pass checks them fully once
and stamps the ones that pass.

`ix_verdict_case_no` duplicated the first column of `uq_verdict_case_day_rulebook`, whose
index serves every look-up by case; it only cost a write per verdict.

Revision ID: 0009_case_checks_verdict_index
Revises: 0008_live_decisions_plan_kind
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_case_checks_verdict_index"
down_revision = "0008_live_decisions_plan_kind"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checks_version", sa.Integer(), nullable=True))
    with op.batch_alter_table("verdict", schema=None) as batch_op:
        batch_op.drop_index("ix_verdict_case_no")


def downgrade() -> None:
    with op.batch_alter_table("verdict", schema=None) as batch_op:
        batch_op.create_index("ix_verdict_case_no", ["case_no"], unique=False)
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.drop_column("checks_version")
