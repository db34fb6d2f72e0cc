"""one live decision per case (decision_case; decisions may supersede one another); plan kind

`decision_case` holds one row per decided case (primary key `case_no`) naming its live
decision, so the database keeps at most one live decision per case. Existing decisions are
carried over: each case's newest decision becomes its live one. A recommendation may now be
decided again (superseding its earlier decision), so its index is no longer unique.

`plan.kind` says what a plan covers (nightly, batch, partial, single); only nightly and
whole-forum batch plans become a forum's current plan. Existing plans: status SINGLE ->
single, a run's plans -> nightly, the rest -> batch.

Revision ID: 0008_live_decisions_plan_kind
Revises: 0007_case_progress
Create Date: 2026-12-06
"""

from __future__ import annotations

import json

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # binds `sqlmodel`; AutoString as autogenerate writes it
from alembic import op

revision = "0008_live_decisions_plan_kind"
down_revision = "0007_case_progress"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decision_case",
        sa.Column("case_no", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decision.id"]),
        sa.PrimaryKeyConstraint("case_no"),
    )
    with op.batch_alter_table("decision_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_case_decision_id"), ["decision_id"], unique=False)
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supersedes", sa.Integer(), nullable=True))
        batch_op.drop_index("ix_decision_recommendation_id")
        batch_op.create_index("ix_decision_recommendation_id", ["recommendation_id"], unique=False)
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default="batch"))
        batch_op.create_index(batch_op.f("ix_plan_kind"), ["kind"], unique=False)
    op.execute("UPDATE plan SET kind = 'single' WHERE status = 'SINGLE'")
    op.execute("UPDATE plan SET kind = 'nightly' WHERE run_id IS NOT NULL")
    conn = op.get_bind()
    live: dict[str, int] = {}
    for decision_id, case_nos in conn.execute(sa.text("SELECT id, case_nos FROM decision ORDER BY id")):
        for case_no in json.loads(case_nos):
            live[case_no] = decision_id  # the newest decision naming the case wins
    if live:
        table = sa.table("decision_case", sa.column("case_no"), sa.column("decision_id"))
        op.bulk_insert(table, [{"case_no": no, "decision_id": d} for no, d in sorted(live.items())])


def downgrade() -> None:
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_kind"))
        batch_op.drop_column("kind")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index("ix_decision_recommendation_id")
        batch_op.create_index("ix_decision_recommendation_id", ["recommendation_id"], unique=True)
        batch_op.drop_column("supersedes")
    with op.batch_alter_table("decision_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_case_decision_id"))
    op.drop_table("decision_case")
