"""The night's wall budget: the solve stage gets what the stages before it left, never less than the floor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from api.nightly import run_nightly
from api.nightly.budget import (
    CASE_OVERHEAD_S,
    MIN_SHARE,
    PUBLISH_RESERVE_S,
    TASK_OVERHEAD_S,
    forum_time_limits,
    solve_budget,
)
from assign.network import CourtNetwork
from assign.schemas import Case, Recommendation, Verdict
from solver.instance import AssignmentPlan, SolveParams
from tests.nightly import standins
from tests.nightly.helpers import AS_OF, InlineExecutor, fast_options, seed_store, standin_services

LIMITS: list[float] = []  # the solver time limit each forum was given (the inline executor runs in this process)


def recording_place(cases: Sequence[Case], verdicts: Sequence[Verdict], network: CourtNetwork, *,
                    params: SolveParams | None = None, **rest: Any) -> tuple[AssignmentPlan, list[Recommendation]]:
    assert params is not None
    LIMITS.append(params.time_limit_s)
    return standins.place(cases, verdicts, network, params=params, **rest)


def test_the_solve_gets_the_rest_of_the_budget_less_the_reserve() -> None:
    budget = solve_budget(night_budget_s=300, elapsed_s=200, floor_s=30)
    assert budget.seconds == 300 - 200 - PUBLISH_RESERVE_S and not budget.floored


def test_the_floor_holds_when_the_stages_before_overran() -> None:
    budget = solve_budget(night_budget_s=300, elapsed_s=280, floor_s=30)
    assert budget.seconds == 30 and budget.floored
    assert budget.report().over_budget is True


def test_an_explicit_solve_budget_wins_and_says_when_the_night_runs_over() -> None:
    assert solve_budget(night_budget_s=300, elapsed_s=100, floor_s=30, explicit_s=150).seconds == 150
    assert not solve_budget(night_budget_s=300, elapsed_s=100, floor_s=30, explicit_s=150).floored
    assert solve_budget(night_budget_s=300, elapsed_s=200, floor_s=30, explicit_s=150).floored


def test_the_night_shares_out_what_evaluation_left(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_store(engine, 120)
    monkeypatch.setenv("NIGHTLY_STANDIN_EVAL_DELAY", "0.4")  # three pages of 40 cases: evaluation takes >= 1.2 s
    LIMITS.clear()
    services = replace(standin_services(), placer=recording_place)
    report = run_nightly(engine, as_of=AS_OF, services=services, options=fast_options(budget_s=25, solve_floor_s=2),
                         executor=InlineExecutor())
    s = report.summary.budget
    assert s is not None and s.before_solve_s >= 1.2 and not s.over_budget
    assert s.solve_budget_s == pytest.approx(25 - s.before_solve_s - PUBLISH_RESERVE_S, abs=0.11)
    # each forum's share of the solve budget's worker time (2 workers), by size; none below the 0.5 s floor
    assert LIMITS and min(LIMITS) >= 0.5
    assert sum(LIMITS) == pytest.approx(2 * s.solve_budget_s, abs=0.5 * len(LIMITS) + 0.1)


def test_a_night_past_its_budget_still_solves_with_the_floor(engine: Engine) -> None:
    seed_store(engine, 60)
    LIMITS.clear()
    services = replace(standin_services(), placer=recording_place)
    report = run_nightly(engine, as_of=AS_OF, services=services, options=fast_options(budget_s=1, solve_floor_s=3),
                         executor=InlineExecutor())
    b = report.summary.budget
    assert b is not None and b.over_budget is True and b.solve_budget_s == 3
    assert report.summary.placed > 0 and sum(LIMITS) == pytest.approx(6, abs=0.5 * len(LIMITS) + 0.1)


def test_forum_limits_sum_to_the_stages_worker_time_however_many_small_forums() -> None:
    # 351 forums as on a 200k store: a fixed 0.5 s each was >= 88 s of a 30 s stage on 2 workers
    sizes = {f"F{i:03}": 300 if i < 10 else 1 + i % 12 for i in range(351)}
    for budget_s in (30.0, 90.0, 200.0):
        limits = forum_time_limits(sizes, budget_s=budget_s, workers=2, cap_s=20)
        worker_s = budget_s * 2 - len(sizes) * TASK_OVERHEAD_S - sum(sizes.values()) * CASE_OVERHEAD_S
        assert sum(limits.values()) <= worker_s
        assert min(limits.values()) >= min(0.5, MIN_SHARE * worker_s / 351) - 0.01
        assert limits["F000"] > limits["F350"]  # the rest goes by size
    tight = forum_time_limits(sizes, budget_s=30, workers=2, cap_s=20)
    assert max(v for f, v in tight.items() if f >= "F010") < 0.5  # the minimum shrinks with the budget
    roomy = forum_time_limits(sizes, budget_s=200, workers=2, cap_s=20)
    assert min(roomy.values()) >= 0.5  # and is the floor when the night has room


def test_the_limits_leave_each_cases_work_outside_the_solver_free() -> None:
    # a national night: ~32k cases in 372 forums; parsing, building and explaining them is worker time too
    sizes = {f"F{i:03}": 86 for i in range(372)}
    limits = forum_time_limits(sizes, budget_s=30, workers=2, cap_s=30)
    outside = len(sizes) * TASK_OVERHEAD_S + sum(sizes.values()) * CASE_OVERHEAD_S
    assert sum(limits.values()) <= 30 * 2 - outside
    assert sum(limits.values()) >= 30 * 2 - outside - 0.01 * len(sizes)  # and nothing more is held back


def test_few_forums_get_the_whole_budget_by_size_up_to_the_cap() -> None:
    limits = forum_time_limits({"A": 90, "B": 10}, budget_s=10, workers=2, cap_s=15)
    assert limits["A"] == 15 and 0.5 <= limits["B"] < limits["A"]
    assert forum_time_limits({"A": 1}, budget_s=None, workers=2, cap_s=15) == {}
