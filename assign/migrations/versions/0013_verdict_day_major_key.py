"""The verdict table's unique key day-major: (as_of, case_no, rulebook_hash), and (case_no, as_of) for reads by case

The key was (case_no, as_of, rulebook_hash): case-major, so each night's verdicts (a new as_of) went
between the earlier nights' entries of the same cases, and a page of 2,500 verdicts dirtied index
pages all over the index. The more nights a store kept, the more each night's save cost (bench/
verdict_save_days.py: 31 → 58 µs a verdict over 40 nights, against 25 → 39 day-major). Day-major,
a night's entries append at the end of the index. The look-ups by case (a case's latest verdict) get
their own index (case_no, as_of).

On SQLite a unique constraint cannot be altered: the table is rebuilt (Alembic's batch mode copies
every stored row, once; its time grows with the nights kept: 1.1M verdicts took 7 min on the 2-core
bench machine, under load, so run `assign db upgrade` outside the nightly's window). On PostgreSQL
the constraint is dropped and created. Both ways the rows, their ids and their data are unchanged;
the upsert of `assign.repository.save_verdicts` names the same three columns (ON CONFLICT matches a
unique index by its set of columns, in any order).

Revision ID: 0013_verdict_day_major_key
Revises: 0012_node_alert_published
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0013_verdict_day_major_key"
down_revision = "0012_node_alert_published"
branch_labels = None
depends_on = None

CASE_MAJOR = ("uq_verdict_case_day_rulebook", ["case_no", "as_of", "rulebook_hash"])
DAY_MAJOR = ("uq_verdict_day_case_rulebook", ["as_of", "case_no", "rulebook_hash"])
BY_CASE = ("ix_verdict_case_no_as_of", ["case_no", "as_of"])


def upgrade() -> None:
    with op.batch_alter_table("verdict", schema=None) as batch_op:
        batch_op.drop_constraint(CASE_MAJOR[0], type_="unique")
        batch_op.create_unique_constraint(*DAY_MAJOR)
        batch_op.create_index(*BY_CASE, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("verdict", schema=None) as batch_op:
        batch_op.drop_index(BY_CASE[0])
        batch_op.drop_constraint(DAY_MAJOR[0], type_="unique")
        batch_op.create_unique_constraint(*CASE_MAJOR)
