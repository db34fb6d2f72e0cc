"""Migration 0009 up and down on each backend: `case_record.checks_version` added (existing rows: NULL, so
they get the full check), the verdict table's four single-column indexes replaced by (as_of, outcome); down
restores both."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from assign import migrate
from assign.db import make_engine, session_scope
from assign.repository import case_row_values, get_cases, latest_verdict, verdicts_on
from tests.factories import make_case, make_verdict

BEFORE = "0008_live_decisions_plan_kind"
AFTER = "0009_case_checks_verdict_indexes"


OLD_INDEXES = {"ix_verdict_as_of", "ix_verdict_case_no", "ix_verdict_forum", "ix_verdict_outcome"}


def _shape(engine: Engine) -> tuple[bool, set[str]]:
    inspector = sa.inspect(engine)
    has_column = "checks_version" in {c["name"] for c in inspector.get_columns("case_record")}
    return has_column, {i["name"] for i in inspector.get_indexes("verdict")} - {"uq_verdict_case_day_rulebook"}


def test_0009_up_and_down_keeps_the_rows(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, BEFORE)
        assert _shape(engine) == (False, OLD_INDEXES)
        case = make_case()
        values = {k: v for k, v in case_row_values(case).items() if k != "checks_version"}
        verdict = make_verdict(case.case_no).model_copy(update={"as_of": date(2024, 9, 1)})
        with engine.begin() as conn:  # rows as the 0008 schema held them
            conn.execute(sa.table("case_record", *map(sa.column, values)).insert(), [values])
            conn.execute(sa.text("INSERT INTO verdict (case_no, as_of, outcome, rulebook_hash, data, created_at) "
                                 "VALUES (:n, :d, :o, :h, :j, CURRENT_TIMESTAMP)"),
                         {"n": case.case_no, "d": verdict.as_of, "o": str(verdict.outcome),
                          "h": verdict.rulebook_version.hash, "j": verdict.model_dump_json()})
        migrate.upgrade(engine, AFTER)
        assert _shape(engine) == (True, {"ix_verdict_as_of_outcome"})
        with session_scope(engine) as session:
            assert get_cases(session=session, case_nos=[case.case_no]) == [case]  # read by the full check
            assert latest_verdict(session=session, case_no=case.case_no) == verdict
            assert verdicts_on(session=session, as_of=verdict.as_of, outcome=str(verdict.outcome)) == [verdict]
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT checks_version FROM case_record")).scalar_one() is None
        migrate.downgrade(engine, BEFORE)
        assert _shape(engine) == (False, OLD_INDEXES)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM case_record")).scalar_one() == 1
            assert conn.execute(sa.text("SELECT count(*) FROM verdict")).scalar_one() == 1
    finally:
        engine.dispose()
