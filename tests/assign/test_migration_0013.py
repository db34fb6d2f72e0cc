"""Migration 0013 on each backend: the verdict table's unique key made day-major and (case_no, as_of) added,
the rows kept; a night saved again replaces its verdicts instead of adding rows; down restores the old key."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from assign import migrate
from assign.db import make_engine, session_scope
from assign.repository import latest_verdict, latest_verdict_query, save_verdicts, verdicts_on
from tests.factories import make_verdict

BEFORE = "0012_node_alert_published"
AFTER = "0013_verdict_day_major_key"


def _keys(engine: Engine) -> dict[str, list[str]]:
    """The verdict table's unique keys and indexes (name -> columns in order)."""
    inspector = sa.inspect(engine)
    found = {u["name"]: list(u["column_names"]) for u in inspector.get_unique_constraints("verdict")}
    found |= {i["name"]: [str(c) for c in i["column_names"]] for i in inspector.get_indexes("verdict")
              if i["name"] not in found and not i.get("duplicates_constraint")}
    return {name: columns for name, columns in found.items() if name}


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM verdict")).scalar_one())


def test_0013_up_and_down_keeps_the_rows(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, BEFORE)
        assert _keys(engine) == {"uq_verdict_case_day_rulebook": ["case_no", "as_of", "rulebook_hash"],
                                 "ix_verdict_as_of_outcome": ["as_of", "outcome"]}
        cases = ("(2024)川0104执1号", "(2024)川0104执2号")
        nights = [make_verdict(no).model_copy(update={"as_of": day})
                  for day in (date(2025, 6, 29), date(2025, 6, 30)) for no in cases]
        with session_scope(engine) as session:
            save_verdicts(session=session, verdicts=nights)
        migrate.upgrade(engine, AFTER)
        assert _keys(engine) == {"uq_verdict_day_case_rulebook": ["as_of", "case_no", "rulebook_hash"],
                                 "ix_verdict_case_no_as_of": ["case_no", "as_of"],
                                 "ix_verdict_as_of_outcome": ["as_of", "outcome"]}
        assert _count(engine) == 4
        with session_scope(engine) as session:
            assert latest_verdict(session=session, case_no=nights[0].case_no) == nights[2]
            assert verdicts_on(session=session, as_of=date(2025, 6, 29)) == nights[:2]
            save_verdicts(session=session, verdicts=nights[2:])  # the same night again: replaced, not added
        assert _count(engine) == 4
        migrate.downgrade(engine, BEFORE)
        assert set(_keys(engine)) == {"uq_verdict_case_day_rulebook", "ix_verdict_as_of_outcome"}
        assert _count(engine) == 4
    finally:
        engine.dispose()


def test_the_latest_verdict_of_a_case_reads_one_entry_of_the_by_case_index(tmp_path: object) -> None:
    """Without planner statistics (as a store has on SQLite) the look-up by case walks (case_no, as_of)
    backwards and stops at the first row, whatever the nights kept."""
    engine = make_engine(f"sqlite:///{tmp_path}/store.sqlite")
    try:
        migrate.upgrade(engine)
        query = latest_verdict_query("(2024)川0104执1号")
        sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
        with engine.connect() as conn:
            plan = " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        assert "INDEX ix_verdict_case_no_as_of (case_no=?)" in plan and "TEMP B-TREE" not in plan, plan
    finally:
        engine.dispose()
