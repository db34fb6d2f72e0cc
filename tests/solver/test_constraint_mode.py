"""hard.escalation_open: the mode is part of the plan where the verdict leaves it open.

A verdict that permits 提级 and recommends 指定 lets the solver choose: the forum itself is one
more court of the pool (its officers counted like any court's); placing the case there means
escalation (mode ESCALATE, MODE_COST 3). Any other verdict's mode stands: the forum is excluded.
"""

from __future__ import annotations

from assign.schemas import MODE_COST, Mode
from solver import solve
from solver.validate import validate_plan
from tests.solver.verifier import FAST, class_of, contribution, covers, instance, solve_forced

OPEN = FAST.model_copy(update={"choose_mode": True})
# heavy cases from Chengdu's basic courts: the three designation courts (20, 15, 12 officers,
# minus the original court) fill up, the forum (60 officers) is the balanced choice for some
HEAVY = [{"no": f"h{i}", "court": ["B510104", "B510105"][i % 2], "debtor": f"D{i}", "amount": "200000000"}
         for i in range(12)]

# one case whose verdict leaves the mode open, and a debtor's two cases the rules concentrate
MIXED = [{"no": "open", "court": "B510104"},
         {"no": "fixed", "court": "B510104", "debtor": "G", "mode": "concentrate"},
         {"no": "fixed2", "court": "B510105", "debtor": "G", "mode": "concentrate"}]


@covers("hard.escalation_open", "feasible")
def test_the_solver_escalates_where_the_forum_balances_better() -> None:
    inst = instance(HEAVY, params=OPEN)
    assert all("I510100" in k.candidates and k.may_escalate for k in inst.classes)
    assert "I510100" in inst.pools[0].courts  # counted in the pool's balance like any court
    plan = solve(inst)
    escalated = [no for no, court in plan.assignments.items() if court == "I510100"]
    assert escalated and plan.violations == []
    assert all(plan.modes[no] == Mode.ESCALATE for no in escalated)
    assert all(plan.modes[no] == Mode.DESIGNATE for no in plan.assignments if no not in escalated)
    assert plan.points[0].escalated == len(escalated)
    # with the mode fixed by the verdicts, the same cases pile up on the basic courts
    fixed = solve(instance(HEAVY))
    assert fixed.points[0].worst_per_officer > plan.points[0].worst_per_officer


@covers("hard.escalation_open", "violated")
def test_a_verdict_that_fixes_the_mode_keeps_the_forum_out() -> None:
    inst = instance(MIXED, params=OPEN)
    assert "I510100" not in inst.classes[[k.id for k in inst.classes].index(class_of(inst, "fixed"))].candidates
    assert solve_forced(inst, [("fixed", "I510100")]).status == "INFEASIBLE"
    bad = [v for v in validate_plan(inst, {"open": "B510105", "fixed": "I510100", "fixed2": "B510112"}).violations
           if v.startswith("hard.escalation_open")]
    assert bad == ["hard.escalation_open: fixed -> I510100"]


@covers("hard.escalation_open", "contribution")
def test_the_exclusion_is_named_and_escalation_costs_its_own_mode() -> None:
    inst = instance(MIXED, params=OPEN)
    assert inst.excluded[class_of(inst, "fixed")]["I510100"] == "hard.escalation_open"
    base = {"fixed": "B510112", "fixed2": "B510112"}
    escalated = contribution(inst, {**base, "open": "I510100"}, "soft.mode_cost")
    designated = contribution(inst, {**base, "open": "B510105"}, "soft.mode_cost")
    assert escalated - designated == MODE_COST[Mode.ESCALATE] - MODE_COST[Mode.DESIGNATE]


def test_a_forum_shared_by_two_pools_carries_the_escalations_into_its_superiors_pool() -> None:
    # Chengdu's heavy cases may be escalated to I510100; an intermediate-level case of Mianyang's
    # court (forum H510000) may be designated to I510100 too: one court, two pools
    specs = [*HEAVY, {"no": "mid", "court": "I510700", "forum": "H510000", "home": "510700"}]
    inst = instance(specs, params=OPEN)
    assert {p.id for p in inst.pools} == {"I510100:basic", "H510000:intermediate"}
    plan = solve(inst)
    assert [s.pool for s in plan.subproblems] == ["I510100:basic", "H510000:intermediate"]  # lower level first
    escalated = sum(d.weight for d in inst.demands if plan.assignments.get(d.case_no) == "I510100" and d.pool ==
                    "I510100:basic")
    assert escalated > 0
    sub = inst.subinstance("H510000:intermediate", plan.assignments)
    assert sub.courts["I510100"].fixed_load == inst.courts["I510100"].fixed_load + escalated
    assert plan.violations == []
