"""The validator catches each hard violation in a hand-made bad plan and recomputes the score."""

from __future__ import annotations

import pytest

from solver import Conflict, SolveParams, greedy_plan, solve
from solver.validate import validate_plan
from tests.solver.verifier import instance

SPECS = [
    {"no": "c1", "court": "B510104"},
    {"no": "c2", "court": "B510105", "home": "510112", "asset": "510105", "flags": ["INTERFERENCE"]},
    {"no": "c3", "court": "B510105", "home": "510105", "asset": "510112", "flags": ["LOCAL_PROTECTION_RISK"]},
    {"no": "c4", "court": "B510104", "debtor": "X"},
    {"no": "e1", "court": "B510104", "mode": "escalate"},
    {"no": "p1", "court": "B510104", "debtor": "P"},
]
GOOD = {"c1": "B510105", "c2": "B510104", "c3": "B510104", "c4": "B510105", "e1": "I510100", "p1": "B510112"}


@pytest.fixture
def inst():
    return instance(SPECS, conflicts=[Conflict(court="B510112", party="X")], pinned={"p1": "B510112"})


def test_a_good_plan_passes(inst) -> None:
    assert validate_plan(inst, GOOD).violations == []


@pytest.mark.parametrize("change, unit", [
    ({"c1": "B510104"}, "hard.not_original_court"),
    ({"c1": "B510703"}, "hard.in_forum_jurisdiction"),
    ({"c2": "B510112"}, "hard.not_debtor_home"),
    ({"c3": "B510112"}, "hard.not_asset_local"),
    ({"c4": "B510112"}, "hard.declared_conflict"),
    ({"p1": "B510105"}, "hard.pinned"),
    ({"e1": "B510105"}, "plan: escalated"),
    ({"zz": "B510105"}, "plan: zz is not"),
])
def test_each_hard_violation_is_caught(inst, change, unit) -> None:
    courts = dict(inst.courts)
    courts.setdefault("B510703", inst.courts["B510105"].model_copy(update={"code": "B510703"}))
    bad = inst.model_copy(update={"courts": courts})
    found = validate_plan(bad, {**GOOD, **change}).violations
    assert any(v.startswith(unit) for v in found), found


def test_capacity_violation_is_caught() -> None:
    inst = instance([{"no": f"c{i}", "court": "B510104"} for i in range(3)],
                    params=SolveParams(capacity_per_officer=0.1, choose_mode=False))
    found = validate_plan(inst, {"c0": "B510105", "c1": "B510105", "c2": "B510112"}).violations
    assert found == ["hard.capacity: B510105 holds 200 > 150"]


def test_solved_and_greedy_plans_pass_and_scores_add_up(inst) -> None:
    for plan in (solve(inst), greedy_plan(inst)):
        assert plan.violations == []
        assert plan.objective == pytest.approx(sum(plan.contributions.values()), abs=1e-3)
        again = validate_plan(inst, plan.assignments)
        assert again.objective == pytest.approx(plan.objective, abs=1e-3)


def test_metrics_report_worst_loads_and_km(inst) -> None:
    m = validate_plan(inst, GOOD).metrics
    assert m["placed"] == 5 and m["unplaced"] == 0
    assert m["worst_total_per_officer"] == pytest.approx(1000 + 2 / 15)
    assert m["distance_km"] > 0
