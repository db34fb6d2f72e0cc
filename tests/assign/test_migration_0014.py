"""Migration 0014 on each backend: the (case_no, status, content_hash) index added and dropped again; on SQLite
(no planner statistics, as a store has) a night's data snapshot reads that index alone, and its digest is the
same with or without the index."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from assign import migrate, runs
from assign.db import make_engine, session_scope
from assign.importer import import_cases
from tests.factories import make_case

INDEX = "ix_case_record_snapshot"


def _indexes(engine: Engine) -> set[str]:
    return {i["name"] for i in sa.inspect(engine).get_indexes("case_record")}


def test_0014_up_and_down(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0014_case_snapshot_index")
        assert INDEX in _indexes(engine)
        migrate.downgrade(engine, "0013_verdict_day_major_key")
        assert INDEX not in _indexes(engine)
        migrate.upgrade(engine, "head")
        assert INDEX in _indexes(engine)
    finally:
        engine.dispose()


def test_the_data_snapshot_reads_the_index_alone_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    migrate.upgrade(engine)
    import_cases(engine, [make_case(f"(2024)川0104执{i}号") for i in range(1, 8)], as_of=None, network=None)
    sql = str(runs.snapshot_query().compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        plan = " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert f"COVERING INDEX {INDEX}" in plan, plan
    with session_scope(engine) as session:
        with_index = runs.data_snapshot(session=session)
    migrate.downgrade(engine, "0013_verdict_day_major_key")
    with session_scope(engine) as session:
        assert runs.data_snapshot(session=session) == with_index  # the run id of a night is the same
    engine.dispose()
