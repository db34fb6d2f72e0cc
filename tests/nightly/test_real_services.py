"""The night with the real rulebook and solver: a dispatcher's override is pinned, the move counted."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.config import BUILTIN_RULEBOOK_DIR
from api.executors import LocalPoolExecutor
from api.nightly import NightlyOptions, NightlyReport, NightlyServices, default_services, run_nightly
from assign import plans
from assign.db import make_engine, session_scope
from assign.decisions import Action, record_decision
from assign.models import RecommendationRow
from assign.schemas import Recommendation
from solver.instance import SolveParams
from tests.conftest import copy_sqlite_template, settle_sqlite
from tests.nightly.helpers import chongqing_store

pytestmark = pytest.mark.slow
AS_OF = date(2025, 6, 30)


def _services() -> NightlyServices:
    return default_services(rulebook_dir=BUILTIN_RULEBOOK_DIR, eval_workers=1,
                            solve_params=SolveParams(seed=3, workers=1))


OPTIONS = NightlyOptions(workers=2, solve_budget_s=4, forum_time_limit_s=2, task_time_limit_s=120)


@pytest.fixture(scope="module")
def first_night(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, NightlyReport]:
    """(a Chongqing store after its first real night, never written to after: copy it; that night's result).
    Both tests start from such a night; running it takes seconds."""
    path = tmp_path_factory.mktemp("first-night") / "store.sqlite"
    engine = chongqing_store(path, AS_OF)
    first = run_nightly(engine, as_of=AS_OF, services=_services(), options=OPTIONS,
                        executor=LocalPoolExecutor(workers=2, time_limit_s=120))
    settle_sqlite(engine)
    return path, first


def _after_first_night(first_night: tuple[Path, NightlyReport], path: Path) -> Engine:
    return make_engine(copy_sqlite_template(first_night[0], path))


def test_override_is_pinned_by_the_real_solver_and_counted_as_a_move(
        tmp_path: Path, first_night: tuple[Path, NightlyReport]) -> None:
    engine = _after_first_night(first_night, tmp_path / "real.sqlite")
    services, options = _services(), OPTIONS
    first = first_night[1]
    assert first.summary.placed > 0 and first.summary.moves_against_previous == 0
    with Session(engine) as session:
        rows = session.exec(select(RecommendationRow).order_by(RecommendationRow.id)).all()
        row = next(r for r in rows if Recommendation.model_validate_json(r.data).alternatives)
        rec = Recommendation.model_validate_json(row.data)
        other = rec.alternatives[0].court
    with session_scope(engine) as session:
        record_decision(session=session, recommendation=session.get(RecommendationRow, row.id), action=Action.OVERRIDE,
                        target_court=other, reason="执行力量调整",
                        justification=None, violations=[], key_id=None)
    second = run_nightly(engine, as_of=AS_OF + timedelta(days=1), services=services, options=options,
                         executor=LocalPoolExecutor(workers=2, time_limit_s=120))
    assert second.summary.pinned >= 1
    assert second.summary.moves_against_previous >= len(rec.case_nos)
    with session_scope(engine) as session:
        plan = plans.current_plan(session=session, scope=rec.forum or "")
        assert plan is not None and plan.run_id == second.run_id
        assignments = json.loads(plan.data)["assignments"]
        assert all(assignments[n] == other for n in rec.case_nos)
    with engine.connect() as conn:
        kinds = conn.execute(sa.text("SELECT kind, count(*) FROM event GROUP BY kind")).all()
    assert dict(kinds)["nightly.completed"] == 2


def test_a_case_bound_to_its_forum_is_escalated_again_by_the_next_night(
        tmp_path: Path, first_night: tuple[Path, NightlyReport]) -> None:
    """提级 accepted (here: overridden to the forum itself): the next night pins it on the forum as an
    escalation instead of failing the forum's pool ("names unknown courts")."""
    engine = _after_first_night(first_night, tmp_path / "escalated.sqlite")
    services, options = _services(), OPTIONS
    with Session(engine) as session:
        row = next(r for r in session.exec(select(RecommendationRow).order_by(RecommendationRow.id)).all()
                   if Recommendation.model_validate_json(r.data).forum)
        rec = Recommendation.model_validate_json(row.data)
    with session_scope(engine) as session:
        record_decision(session=session, recommendation=session.get(RecommendationRow, row.id), action=Action.OVERRIDE,
                        target_court=rec.forum, reason="提级执行", justification=None, violations=[], key_id=None)
    second = run_nightly(engine, as_of=AS_OF + timedelta(days=1), services=services, options=options,
                         executor=LocalPoolExecutor(workers=2, time_limit_s=120))
    assert second.summary.pinned >= 1
    with session_scope(engine) as session:
        plan = plans.current_plan(session=session, scope=rec.forum or "")
        assert plan is not None and plan.run_id == second.run_id
        assert all(json.loads(plan.data)["assignments"][n] == rec.forum for n in rec.case_nos)
