"""Efficiency guarantee: a plan dominated on the balance/travel plane, beyond its gap, is a defect."""

from __future__ import annotations

from solver.efficiency import dominance_defects
from solver.frontier import pool_frontier
from solver.instance import PlanStatus
from solver.points import plan_points
from solver.solve import finish_plan
from tests.solver.test_frontier import POOL, SPECS, enumerate_plans
from tests.solver.verifier import instance


def test_a_constructed_dominated_plan_is_caught_with_the_dominating_figures() -> None:
    inst = instance(SPECS)
    plans = enumerate_plans(inst)
    frontier = pool_frontier(inst, POOL, points=5, time_limit_s=10)
    least_travel = frontier[-1]
    # a plan more unbalanced than the least-travel point that also travels more
    w, km, dominated = max((p for p in plans if p[1] > least_travel.km_total), key=lambda p: (p[0], p[1]))
    mine = plan_points(inst, dominated, pools=[POOL])
    defects = dominance_defects(mine, frontier)
    assert len(defects) == 1 and POOL in defects[0] and f"{km} km" in defects[0]
    assert f"{least_travel.km_total} km" in defects[0] or any(f"{p.km_total} km" in defects[0] for p in frontier)
    # the published plan's own check: finish_plan with the run's other plans
    plan = finish_plan(inst, dominated, {}, PlanStatus.FEASIBLE, 0.1, [], None, found=frontier)
    assert plan.defects == defects


def test_frontier_points_and_plans_within_their_gap_are_not_defects() -> None:
    inst = instance(SPECS)
    frontier = pool_frontier(inst, POOL, points=5, time_limit_s=10)
    for p in frontier:
        assert dominance_defects([p], frontier) == []
    most_balanced = frontier[0]
    slower = most_balanced.model_copy(update={"km_total": most_balanced.km_total + 1})
    assert dominance_defects([slower], frontier)  # 1 km more at the same balance: dominated at gap 0
    assert dominance_defects([slower], frontier, gap=1 / most_balanced.km_total) == []  # within a stated gap
