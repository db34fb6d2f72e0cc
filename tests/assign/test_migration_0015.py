"""Migration 0015 on each backend: the (court_code, case_no, status, debtor_id) index added and dropped again; on
SQLite (no planner statistics, as a store has) a leads unit's join reads it alone, not the cases' rows."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from assign import leads, migrate
from assign.db import make_engine
from assign.importer import import_cases
from tests.factories import make_case

INDEX = "ix_case_record_court_lead"


def _indexes(engine: Engine) -> set[str]:
    return {i["name"] for i in sa.inspect(engine).get_indexes("case_record")}


def test_0015_up_and_down(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0015_case_court_lead_index")
        assert INDEX in _indexes(engine)
        migrate.downgrade(engine, "0014_case_snapshot_index")
        assert INDEX not in _indexes(engine) and "ix_case_record_court_code" in _indexes(engine)
        migrate.upgrade(engine, "head")
        assert INDEX in _indexes(engine)
    finally:
        engine.dispose()


def test_a_units_join_reads_the_cases_from_the_index_alone_on_sqlite(tmp_path: Path, monkeypatch) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    migrate.upgrade(engine)
    import_cases(engine, [make_case(f"(2024)川0104执{i}号") for i in range(1, 8)], as_of=None, network=None)
    joins: list[sa.Select] = []
    monkeypatch.setattr(leads, "_pages", lambda conn, q, page: joins.append(q) or iter(()))
    with engine.connect() as conn:
        for unit in leads.court_units(["B510104", "B510105", "B510106"], 1):
            leads.matched_pairs(conn, courts=unit)
        for q in joins:
            sql = str(q.compile(engine, compile_kwargs={"literal_binds": True}))
            plan = " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
            assert f"SEARCH case_record USING COVERING INDEX {INDEX}" in plan, plan
    engine.dispose()
