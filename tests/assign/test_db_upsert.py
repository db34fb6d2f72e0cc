"""`assign.db.upsert` on SQLite hands the rows to the driver itself (`_execute_sqlite_rows`): the rows it stores
are exactly those SQLAlchemy's own executemany stores (dates, aware times in any offset, booleans, NULLs)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert

from assign import migrate
from assign.db import _execute_sqlite_rows, make_engine, table_of, upsert
from assign.models import VerdictRow

BEIJING = timezone(timedelta(hours=8))


def _rows(n: int) -> list[dict[str, Any]]:
    written = datetime(2026, 12, 6, 1, 30, tzinfo=UTC)
    return [{"case_no": f"(2024)川0104执{i}号", "as_of": date(2025, 6, 30) - timedelta(days=i % 3),
             "outcome": "ELIGIBLE", "forum": None if i % 2 else "I510100", "recommended_mode": None,
             "rulebook_hash": "h" * 64, "data": f'{{"i":{i}}}',
             # the same instant in two offsets, and a second instant
             "created_at": written.astimezone(BEIJING) if i % 4 == 1 else written + timedelta(seconds=i % 2)}
            for i in range(n)]


def _stored(url: str) -> Sequence[Any]:
    with make_engine(url).connect() as conn:
        return conn.execute(sa.text("SELECT * FROM verdict ORDER BY id")).all()


def test_the_driver_path_stores_what_sqlalchemy_stores(tmp_path: Path) -> None:
    ours, theirs = f"sqlite:///{tmp_path / 'ours.sqlite'}", f"sqlite:///{tmp_path / 'theirs.sqlite'}"
    table = table_of(VerdictRow)
    for url in (ours, theirs):
        migrate.upgrade(make_engine(url))
    key, update = ["case_no", "as_of", "rulebook_hash"], ["outcome", "forum", "data", "created_at"]
    for round_ in range(2):  # the second round updates every row
        rows = [r | {"outcome": "WAIT"} for r in _rows(12)] if round_ else _rows(12)
        with make_engine(ours).begin() as conn:
            upsert(conn, table, rows, key=key, update=update)
        with make_engine(theirs).begin() as conn:
            stmt = insert(table)
            conn.execute(stmt.on_conflict_do_update(index_elements=key, set_={c: stmt.excluded[c] for c in update}),
                         rows)
    stored = _stored(ours)
    assert stored == _stored(theirs)
    assert len(stored) == 12 and {row.outcome for row in stored} == {"WAIT"}


def test_a_statement_with_a_column_default_is_left_to_sqlalchemy(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'one.sqlite'}")
    migrate.upgrade(engine)
    rows = [{k: v for k, v in row.items() if k != "created_at"} for row in _rows(3)]  # created_at: its default
    with engine.begin() as conn:
        assert not _execute_sqlite_rows(conn, insert(table_of(VerdictRow)), rows)
        assert _execute_sqlite_rows(conn, insert(table_of(VerdictRow)), _rows(3))
