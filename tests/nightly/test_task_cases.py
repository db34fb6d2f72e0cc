"""The cases a forum task carries (`assign.runs.case_texts`): what `Case.model_dump_json` of each stored
case gives, in the order asked; a trusted row as stored, any other row read with the full check."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from assign import repository
from assign.db import session_scope
from assign.errors import DataError
from assign.runs import case_texts
from tests.nightly.helpers import seed_store


def _expected(engine: Engine, nos: list[str]) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        return [(c.case_no, c.model_dump_json()) for c in repository.get_cases(session=session, case_nos=nos)]


def test_task_cases_are_the_cases_dumped_in_the_order_asked(engine: Engine) -> None:
    seed_store(engine, 12)
    with engine.connect() as conn:
        nos = [r[0] for r in conn.execute(sa.text("SELECT case_no FROM case_record ORDER BY case_no DESC"))]
    asked = [*nos[:6], "(2024)川0104执999999号", *nos[6:]]  # one not stored: skipped
    with session_scope(engine) as session:
        assert case_texts(session=session, case_nos=asked) == _expected(engine, asked)
    with engine.begin() as conn:  # rows no longer trusted (written around the service): read with the full check
        conn.execute(sa.text("UPDATE case_record SET checks_version = NULL WHERE case_no IN (:a, :b)"),
                     {"a": nos[0], "b": nos[7]})
        conn.execute(sa.text("UPDATE case_record SET data = replace(data, '\"case_no\":', '\"case_no\" :')"
                             " WHERE case_no = :a"), {"a": nos[1]})
    with session_scope(engine) as session:
        assert case_texts(session=session, case_nos=asked) == _expected(engine, asked)


def test_a_stored_case_that_no_longer_validates_stops_the_preparation(engine: Engine) -> None:
    seed_store(engine, 3)
    with engine.begin() as conn:
        no = conn.execute(sa.text("SELECT case_no FROM case_record LIMIT 1")).scalar_one()
        conn.execute(sa.text("UPDATE case_record SET data = replace(data, '\"status\":\"open\"', '\"status\":\"x\"')"
                             " WHERE case_no = :no"), {"no": no})
    with session_scope(engine) as session, pytest.raises(DataError, match="no longer validates"):
        case_texts(session=session, case_nos=[no])
