"""Migration 0011 on each backend: the (status, debtor_id) index added and dropped again; on SQLite (no
planner statistics, as a store has) the store pass's linked-case counts read that index alone."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from assign import migrate, repository
from assign.db import make_engine, session_scope
from assign.importer import import_cases
from assign.schemas import CaseStatus
from rules.facts import UNFINISHED_STATUSES
from tests.factories import make_case

INDEX = "ix_case_record_status_debtor_id"


def _indexes(engine: Engine) -> set[str]:
    return {i["name"] for i in sa.inspect(engine).get_indexes("case_record")}


def test_0011_up_and_down(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0011_case_status_debtor_index")
        assert INDEX in _indexes(engine)
        migrate.downgrade(engine, "0010_verdict_texts")
        assert INDEX not in _indexes(engine) and "ix_case_record_debtor_id" in _indexes(engine)
        migrate.upgrade(engine, "head")
        assert INDEX in _indexes(engine)
    finally:
        engine.dispose()


def test_linked_case_counts_read_the_index_alone_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    migrate.upgrade(engine)
    debtor = make_case().debtor.model_dump()
    cases = [make_case(f"(2024)川0104执{i}号", debtor={**debtor, "id": f"91510104MA6C00000{i % 3}"})
             for i in range(1, 8)]
    cases.append(make_case("(2024)川0104执99号", debtor={**debtor, "id": "91510104MA6C000000"}, status="concluded"))
    import_cases(engine, cases, as_of=None, network=None)
    with session_scope(engine) as session:
        counts = repository.debtor_case_counts(session=session, status=UNFINISHED_STATUSES)
    # 1..7 by i % 3: three debtors with 2, 3 and 2 unfinished cases; the concluded one is not counted (§12.8)
    assert counts == {"91510104MA6C000000": 2, "91510104MA6C000001": 3, "91510104MA6C000002": 2}
    for status in (UNFINISHED_STATUSES, CaseStatus.OPEN):
        sql = str(repository.debtor_counts_query(status).compile(engine, compile_kwargs={"literal_binds": True}))
        with engine.connect() as conn:
            plan = " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        assert f"COVERING INDEX {INDEX}" in plan, plan
    engine.dispose()
