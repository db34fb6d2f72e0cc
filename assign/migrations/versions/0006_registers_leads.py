"""asset registers and restoration leads: register_record, restoration_lead (issue 17 §2)

Revision ID: 0006_registers_leads
Revises: 0005_node_alerts
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # binds `sqlmodel`; autogenerate writes sqlmodel.sql.sqltypes.AutoString
from alembic import op

revision = "0006_registers_leads"
down_revision = "0005_node_alerts"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "register_record",
        sa.Column("record_id", S(length=64), nullable=False),
        sa.Column("party_id", S(length=64), nullable=False),
        sa.Column("asset_kind", S(length=16), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.Column("registry", S(length=200), nullable=False),
        sa.Column("location_division", S(length=6), nullable=True),
        sa.Column("value", sa.Numeric(20, 2), nullable=True),
        sa.Column("content_hash", S(length=32), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_index(op.f("ix_register_record_party_id"), "register_record", ["party_id"], unique=False)
    op.create_table(
        "restoration_lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", S(length=128), nullable=False),
        sa.Column("record_id", S(length=64), nullable=False),
        sa.Column("court_code", S(length=32), nullable=False),
        sa.Column("forum", S(length=32), nullable=True),
        sa.Column("kind", S(length=16), nullable=False),
        sa.Column("state", S(length=32), nullable=False),
        sa.Column("asset_kind", S(length=16), nullable=False),
        sa.Column("value", sa.Numeric(20, 2), nullable=True),
        sa.Column("first_seen_on", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("pass_id", S(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_no", "record_id", name="uq_restoration_lead_case_record"),
    )
    op.create_index("ix_restoration_lead_active_court", "restoration_lead", ["active", "court_code"], unique=False)
    op.create_index(op.f("ix_restoration_lead_case_no"), "restoration_lead", ["case_no"], unique=False)
    op.create_index(op.f("ix_restoration_lead_state"), "restoration_lead", ["state"], unique=False)


def downgrade() -> None:
    op.drop_table("restoration_lead")
    op.drop_table("register_record")
