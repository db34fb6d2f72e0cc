"""case progress: the case_progress table (issue 17 §3, what every transfer achieved)

Revision ID: 0007_case_progress
Revises: 0006_registers_leads
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # binds `sqlmodel`; autogenerate writes sqlmodel.sql.sqltypes.AutoString
from alembic import op

revision = "0007_case_progress"
down_revision = "0006_registers_leads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("measure", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("recovered", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_no", "kind", "occurred_on", name="uq_case_progress_key"),
    )
    with op.batch_alter_table("case_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_progress_case_no"), ["case_no"], unique=False)


def downgrade() -> None:
    op.drop_table("case_progress")
