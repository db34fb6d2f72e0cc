"""The whole solve: infeasibility as an answer, determinism, classes, bounds, warm starts."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import pytest

from solver import Conflict, greedy_plan, solve
from solver.bound import lp_bound, model_objective
from solver.instance import AssignmentPlan, PlanStatus, SolveParams
from solver.model import MIN_SEARCH_WORKERS, search_workers
from solver.results import PoolResult
from solver.validate import validate_plan
from tests.solver.verifier import FAST, instance

MANY = [{"no": f"c{i:02}", "court": ["B510104", "B510105", "B510112", "B510703", "B510781"][i % 5],
         "debtor": f"D{i % 7}", "home": ["510104", "510105", "510703"][i % 3], "amount": str(20_000 * (i + 1) ** 2),
         "flags": ["INTERFERENCE"] if i % 4 == 0 else []} for i in range(30)]


@pytest.mark.parametrize("spec, family", [
    ({"no": "x1", "court": "B510104", "forum": "B510112"}, "hard.in_forum_jurisdiction"),
    ({"no": "x1", "court": "B510703", "home": "510781", "asset": "510703", "flags": ["INTERFERENCE"]},
     "hard.not_debtor_home"),
    ({"no": "x1", "court": "B510703", "home": "510703", "asset": "510781", "flags": ["INTERFERENCE"]},
     "hard.not_asset_local"),
    ({"no": "x1", "court": "B510703", "debtor": "Y"}, "hard.declared_conflict"),
])
def test_infeasible_is_named_per_family_and_the_rest_is_placed(spec, family) -> None:
    inst = instance([spec, {"no": "ok", "court": "B510104"}], conflicts=[Conflict(court="B510781", party="Y")])
    plan = solve(inst)
    assert plan.unplaced == {"x1": family}
    assert "ok" in plan.assignments and plan.violations == []
    assert greedy_plan(inst).unplaced == {"x1": family}


def test_a_group_that_no_court_can_take_whole_is_split_not_dropped() -> None:
    specs = [{"no": "a", "court": "B510104", "debtor": "D"}, {"no": "b", "court": "B510105", "debtor": "D"},
             {"no": "c", "court": "B510112", "debtor": "D"}]
    plan = solve(instance(specs))
    assert len(plan.assignments) == 3 and plan.contributions["medium.group_together"] >= 50


def test_deterministic_mode_same_seed_same_plan() -> None:
    a, b = solve(instance(MANY)), solve(instance(MANY))
    assert a.assignments == b.assignments and a.plan_id == b.plan_id and a.objective == b.objective


def test_plan_is_json_and_carries_reproducibility_fields() -> None:
    plan = solve(instance(MANY))
    again = AssignmentPlan.model_validate_json(plan.model_dump_json())
    assert again == plan
    assert plan.seed == FAST.seed and plan.workers == 1 and plan.params["deterministic"] is True
    assert {"ortools", "python", "solver", "network"} <= set(plan.versions)
    assert plan.status in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE)
    assert {s.pool for s in plan.subproblems} == {"I510100:basic", "I510700:basic"}


def test_search_threads_one_when_deterministic_as_asked_else_at_least_the_portfolio_minimum(monkeypatch) -> None:
    assert search_workers(SolveParams(deterministic=True, workers=8)) == 1
    assert search_workers(SolveParams(workers=3)) == 3
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert search_workers(SolveParams()) == MIN_SEARCH_WORKERS
    monkeypatch.setattr("os.cpu_count", lambda: 16)
    assert search_workers(SolveParams()) == 16
    plan = solve(instance(MANY[:6]).model_copy(update={"params": FAST.model_copy(update={"deterministic": False,
                                                                                            "workers": 0})}))
    assert plan.workers == 16 and plan.params["workers"] == 0


def test_interchangeable_cases_share_one_class() -> None:
    inst = instance([{"no": f"c{i}", "court": "B510104"} for i in range(50)])
    assert len(inst.classes) == 1 and len(inst.classes[0].case_nos) == 50
    plan = solve(inst)
    assert len(plan.assignments) == 50 and plan.status == PlanStatus.OPTIMAL


def test_bounds_sit_below_the_objective_and_greedy_above() -> None:
    inst = instance(MANY)
    plan = solve(inst)
    greedy = greedy_plan(inst)
    lp = lp_bound(inst)
    solved = model_objective(inst, plan.assignments)
    assert lp <= solved + 1e-6
    assert solved <= model_objective(inst, greedy.assignments) + 1e-6
    assert plan.bound is not None and plan.bound <= plan.objective + 1e-6
    assert plan.objective <= greedy.objective + 0.5  # model rounding is within half a point


def test_yesterdays_plan_is_kept_when_nothing_changed() -> None:
    first = solve(instance(MANY))
    second = solve(instance(MANY, previous=first.assignments))
    assert second.assignments == first.assignments and second.contributions["soft.churn"] == 0


def test_pinned_never_move_when_everything_else_changes() -> None:
    first = solve(instance(MANY))
    pins = dict(list(first.assignments.items())[:5])
    swapped = [{**s, "amount": "90000000"} for s in MANY]
    plan = solve(instance(swapped, pinned=pins))
    assert all(plan.assignments[no] == court for no, court in pins.items())


def test_pools_solve_in_worker_processes() -> None:
    inst = instance(MANY)
    with ProcessPoolExecutor(max_workers=2) as ex:
        parallel = solve(inst, pool_map=ex.map)
    assert parallel.assignments == solve(inst).assignments


def test_nothing_to_place_is_an_empty_plan() -> None:
    plan = solve(instance([]))
    assert plan.status == PlanStatus.EMPTY and plan.assignments == {} and plan.objective == 0


def test_lp_rounding_is_valid_and_bounded() -> None:
    from solver.lp_round import solve_pool_lp

    inst = instance(MANY)
    for pool in inst.pools:
        sub = inst.subinstance(pool.id)
        for seconds in (0.0, 1.0):
            r = solve_pool_lp(sub, budget_s=seconds)
            assert r.bound is not None and r.objective is not None and r.bound <= r.objective + 1e-6
            assert validate_plan(sub, r.plan()).violations == []
            assert len(r.plan()) + len(r.unplaced) == sum(len(k.case_nos) for k in sub.classes)


def test_neighbourhood_restriction_keeps_counts_between_floor_and_ceiling() -> None:
    from solver.model import TransferModel

    inst = instance([{"no": f"c{i}", "court": "B510104"} for i in range(4)])
    k = inst.classes[0]
    model = TransferModel(inst)
    model.restrict({(k.id, "B510105"): (3, 4), (k.id, "B510112"): (0, 1)})
    result = model.solve(1.0)
    assert sorted(result.plan().values()).count("B510105") >= 3


def test_warm_start_mode_still_gives_valid_plans() -> None:
    inst = instance(MANY, params=FAST.model_copy(update={"hint": "previous_or_greedy"}))
    first = solve(inst)
    again = solve(instance(MANY, params=inst.params, previous=first.assignments))
    assert first.violations == [] and again.violations == []
    assert again.contributions["soft.churn"] == 0


def test_without_lp_or_cp_sat_the_pool_falls_back_to_greedy_and_claims_no_bound(monkeypatch) -> None:
    import solver.model

    monkeypatch.setattr(solver.model, "solve_pool_lp",
                        lambda sub, budget_s=0.0, race=None: PoolResult(status="LP_FAILED"))
    inst = instance(MANY, params=FAST.model_copy(update={"cpsat_max_vars": 0}))
    plan = solve(inst)
    assert plan.status == PlanStatus.GREEDY and plan.bound is None and plan.gap is None
    assert plan.violations == [] and len(plan.assignments) + len(plan.unplaced) == len(inst.demands)


def test_a_small_pool_goes_from_the_rounding_to_cp_sat_and_without_cp_sat_stays_with_the_lp() -> None:
    from solver.model import DIRECT_MAX_PAIRS, solve_pool

    inst = instance(MANY)
    for pool in inst.pools:
        sub = inst.subinstance(pool.id)
        if not sub.classes:
            continue
        assert sum(len(k.candidates) for k in sub.classes) <= DIRECT_MAX_PAIRS
        direct = solve_pool(sub, 2.0)  # the rounded LP plan, then CP-SAT: no neighbourhood search
        assert list(direct.engines) in (["lp_round"], ["lp_round", "cp_sat"]) and direct.status == "OPTIMAL"
        via_lp = solve_pool(sub.model_copy(update={"params": sub.params.model_copy(update={"cpsat_max_vars": 0})}),
                            2.0)
        assert "cp_sat" not in via_lp.engines and via_lp.bound_by == "lp"
