"""case_record.checks_version (trusted reads of checked rows); the verdict table's indexes: one per kind of read

`checks_version` records the version of the record checks a row passed when written
(`assign.stored_case`): bulk reads skip the Python-only checks of rows at the current version
whose hash matches their JSON. Existing rows get NULL: the store pass checks them fully once
and stamps the ones that pass.

The verdict table kept five indexes, each written once per verdict of the night's pass.
`ix_verdict_case_no` duplicated the first column of `uq_verdict_case_day_rulebook`, whose
index serves every look-up by case. Every other read names its day (the queue, the counts by
outcome, a run's counts and forums, the newest day): `ix_verdict_as_of_outcome` (as_of,
outcome) serves them all and replaces `ix_verdict_as_of`, `ix_verdict_outcome` and
`ix_verdict_forum` (outcome and forum alone span every day kept; EXPLAIN on SQLite never chose
them, PostgreSQL chose outcome for the queue only because it did not have the pair).

Revision ID: 0009_case_checks_verdict_indexes
Revises: 0008_live_decisions_plan_kind
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_case_checks_verdict_indexes"
down_revision = "0008_live_decisions_plan_kind"
branch_labels = None
depends_on = None

_REPLACED = {"ix_verdict_case_no": ["case_no"], "ix_verdict_as_of": ["as_of"], "ix_verdict_outcome": ["outcome"],
             "ix_verdict_forum": ["forum"]}


def upgrade() -> None:
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checks_version", sa.Integer(), nullable=True))
    with op.batch_alter_table("verdict", schema=None) as batch_op:
        for name in _REPLACED:
            batch_op.drop_index(name)
        batch_op.create_index("ix_verdict_as_of_outcome", ["as_of", "outcome"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("verdict", schema=None) as batch_op:
        batch_op.drop_index("ix_verdict_as_of_outcome")
        for name, columns in _REPLACED.items():
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.drop_column("checks_version")
