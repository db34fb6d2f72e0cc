"""Two engines on one pool (solver.portfolio) and the typed pool results (solver.results)."""

from __future__ import annotations

import pytest

from solver import solve
from solver.instance import AssignmentPlan
from solver.model import TransferModel, solve_pool
from solver.portfolio import HighsRace, Race
from solver.results import PoolReport
from solver.validate import validate_plan
from tests.solver.test_model import MANY
from tests.solver.test_stop import largest_pool
from tests.solver.verifier import FAST, instance

PORTFOLIO = FAST.model_copy(update={"deterministic": False, "workers": 2, "time_limit_s": 10.0, "highs_max_vars": 6000})


def test_the_race_is_settled_when_the_best_plan_of_either_meets_the_best_bound_of_either() -> None:
    race = Race()
    assert not race.settled()
    race.bounded(90.0)
    race.found(100.0)
    assert not race.settled()
    race.bounded(50.0)  # a weaker bound from the other engine changes nothing
    assert race.bound == 90.0 and not race.settled()
    race.found(120.0)  # nor does a worse plan
    assert race.objective == 100.0
    race.bounded(100.0)
    assert race.settled()


def test_an_incumbent_reaches_the_other_engine_once_and_only_when_it_improves() -> None:
    race = Race()
    race.found(10.0, {("k1", "B510105"): 2})
    assert race.take_counts() == {("k1", "B510105"): 2}
    assert race.take_counts() is None
    race.found(11.0, {("k1", "B510112"): 2})
    assert race.take_counts() is None


def test_highs_and_cp_sat_find_the_same_optimum_of_the_same_model() -> None:
    inst = instance(MANY, params=PORTFOLIO)
    for pool in inst.pools:
        sub = inst.subinstance(pool.id)
        if not sub.classes:
            continue
        cp = TransferModel(sub).solve(10.0)
        side = HighsRace(sub, Race())
        side.start(10.0)
        hi = side.result()
        assert cp.status == hi.status == "OPTIMAL" and hi.method == "highs" and hi.bound_by == "highs"
        assert hi.objective == pytest.approx(cp.objective, abs=1e-6)
        check = validate_plan(sub, hi.plan())
        assert check.violations == []
        assert check.objective == pytest.approx(validate_plan(sub, cp.plan()).objective, abs=1e-3)


def test_a_pool_solve_runs_both_engines_names_them_and_stops_at_the_proof() -> None:
    inst = instance(MANY, params=PORTFOLIO.model_copy(update={"time_limit_s": 60.0}))
    for pool in inst.pools:
        sub = inst.subinstance(pool.id)
        if not sub.classes:
            continue
        r = solve_pool(sub, 60.0)
        assert "highs" in r.engines and r.status == "OPTIMAL"
        assert r.bound_by in {"lp", "cp_sat", "highs"} and r.proven()
        assert validate_plan(sub, r.plan()).violations == []
        assert r.time_s < 30.0  # proven small pools do not run to their 60 s


def test_without_the_portfolio_no_highs_runs() -> None:
    inst = instance(MANY, params=PORTFOLIO.model_copy(update={"highs_max_vars": 0}))
    sub = inst.subinstance(inst.pools[0].id)
    assert "highs" not in solve_pool(sub, 5.0).engines


def test_a_proof_in_the_race_stops_both_engines_long_before_their_limit() -> None:
    sub = largest_pool()  # neither engine proves it in seconds
    race = Race()
    race.found(1.0)
    race.bounded(1.0)  # as if the other engine had proven the pool
    cp = TransferModel(sub).solve(60.0, race=race)
    side = HighsRace(sub, race)
    side.start(60.0)
    hi = side.result()
    assert cp.time_s < 10.0 and hi.time_s < 10.0, (cp.time_s, hi.time_s)


def test_a_plan_reports_typed_pool_results_and_plans_stored_as_plain_dicts_still_load() -> None:
    plan = solve(instance(MANY))
    assert all(isinstance(s, PoolReport) for s in plan.subproblems)
    stored = plan.model_dump(mode="json")
    # the shape of `subproblems` before the typed report (plain dicts, no bound_by/engines)
    stored["subproblems"] = [{"status": "OPTIMAL", "time_s": 0.31, "classes": 12, "variables": 40,
                              "method": "lp_round+neighbourhood1", "objective": 101.5, "bound": 101.5,
                              "terms": {"soft.distance": 12.5}, "pool": "I510100:basic"},
                             {"status": "GREEDY", "method": "greedy", "objective": 55.0, "fallback": "greedy",
                              "time_s": 0.01, "pool": "I510700:basic"}]
    old = AssignmentPlan.model_validate_json(AssignmentPlan.model_validate(stored).model_dump_json())
    assert [s.pool for s in old.subproblems] == ["I510100:basic", "I510700:basic"]
    assert old.subproblems[0].bound == 101.5 and old.subproblems[0].terms == {"soft.distance": 12.5}
    assert old.subproblems[1].fallback == "greedy" and old.subproblems[1].bound is None
