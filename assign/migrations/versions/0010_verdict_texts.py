"""verdict_text: a fired rule's fixed texts once per store; verdicts name them by digest (`assign.stored_verdict`)

Existing verdict rows keep their full JSON and read unchanged. The downgrade writes the texts back into
the verdicts that name them.

Revision ID: 0010_verdict_texts
Revises: 0009_case_checks_verdict_indexes
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # binds `sqlmodel`; autogenerate writes sqlmodel.sql.sqltypes.AutoString
from alembic import op

from assign.stored_verdict import expand

revision = "0010_verdict_texts"
down_revision = "0009_case_checks_verdict_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verdict_text",
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("rule_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("texts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )


def downgrade() -> None:
    """Put the texts back into every stored verdict that names them (the code before 0010 reads only the
    full form), then drop the table: nothing is lost."""
    conn = op.get_bind()
    fragments = {d: t[1:-1] for d, t in conn.execute(sa.text("SELECT digest, texts FROM verdict_text"))}
    rows = conn.execute(sa.text("""SELECT id, data FROM verdict WHERE data LIKE '%,"@t":[%'""")).all()
    for start in range(0, len(rows), 5000):
        conn.execute(sa.text("UPDATE verdict SET data = :data WHERE id = :id"),
                     [{"id": i, "data": expand(data, fragments.__getitem__)} for i, data in rows[start : start + 5000]])
    op.drop_table("verdict_text")
