"""Migration 0010 up and down on each backend: down writes the fired rules' texts back into every stored
verdict that names them (the code before 0010 reads only the full form), then drops verdict_text."""

from __future__ import annotations

import sqlalchemy as sa

from assign import migrate
from assign.db import make_engine, session_scope
from assign.repository import latest_verdict, save_verdicts
from assign.schemas import FiredRule, Verdict
from tests.factories import make_verdict

BEFORE = "0009_case_checks_verdict_indexes"
CITATIONS = ("执行程序解释第十条", "执行程序解释第十条第（一）项")


def _verdict(case_no: str, law: list[str]) -> Verdict:
    fired = [FiredRule(rule_id="outcome.eligible", label_zh="符合条件", legal_basis="；".join(law),
                       facts={"case_state": "open", "period_exceeded": True}, explanation_zh=f"{case_no}已超过六个月。",
                       law=law),
             FiredRule(rule_id="flag.closing_overdue", label_zh="超过执行结案期限", legal_basis="审限规定第五条",
                       facts={"closing_deadline_overdue": True}, explanation_zh="结案期限已届满。",
                       law=["审限规定第五条"])]
    return make_verdict(case_no).model_copy(update={"fired": fired})


def test_0010_down_puts_the_texts_back(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "heads")
        # two citations of the first rule: three text sets
        verdicts = [_verdict(f"(2024)川0104执{i}号", [CITATIONS[i % 2]]) for i in range(5)]
        with session_scope(engine) as session:
            save_verdicts(session=session, verdicts=verdicts)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM verdict_text")).scalar_one() == 3
        migrate.downgrade(engine, BEFORE)
        assert "verdict_text" not in sa.inspect(engine).get_table_names()
        with engine.connect() as conn:
            stored = dict(conn.execute(sa.text("SELECT case_no, data FROM verdict")).all())
        read = {no: Verdict.model_validate_json(data) for no, data in stored.items()}
        assert read == {v.case_no: v for v in verdicts}
        assert not any('"@t"' in data for data in stored.values())
        migrate.upgrade(engine, "heads")
        with session_scope(engine) as session:
            assert latest_verdict(session=session, case_no=verdicts[1].case_no) == verdicts[1]
    finally:
        engine.dispose()
