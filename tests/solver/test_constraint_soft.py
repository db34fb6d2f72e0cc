"""Medium and soft units: honoured when free, penalised when forced, exact contributions.

Pool I510100:basic of tests.factories.make_network: B510104 (20 officers, 19,000 pending),
B510105 (15, 15,000), B510112 (12, 9,000): 47 officers. A 50,000-yuan money case weighs 1.0.
"""

from __future__ import annotations

import pytest

from assign.network import great_circle_km
from solver import solve
from solver.validate import validate_plan
from tests.solver.verifier import covers, instance, solve_forced

ONE = [{"no": "c1", "court": "B510104"}]
THREE = [{"no": f"c{i}", "court": "B510104"} for i in range(3)]


def _score(inst, assignments, unit_id):
    return validate_plan(inst, assignments).contributions[unit_id]


# ---------------------------------------------------------------- medium.group_together

GROUP = [{"no": "c1", "court": "B510104", "debtor": "D1"}, {"no": "c2", "court": "B510105", "debtor": "D1"}]


@covers("medium.group_together", "feasible")
def test_group_together_feasible() -> None:
    plan = solve(instance(GROUP))  # the only court legal for both is B510112
    assert plan.assignments == {"c1": "B510112", "c2": "B510112"}
    assert plan.contributions["medium.group_together"] == 0


@covers("medium.group_together", "violated")
def test_group_together_forced_split_is_penalised() -> None:
    inst = instance(GROUP)
    free, split = solve_forced(inst), solve_forced(inst, [("c1", "B510105"), ("c2", "B510104")])
    assert split.status == "OPTIMAL" and split.objective > free.objective
    assert split.terms["medium.group_together"] == pytest.approx(50.0)


@covers("medium.group_together", "contribution")
def test_group_together_contribution_is_weight_per_extra_court() -> None:
    inst = instance([*GROUP, {"no": "c3", "court": "B510104", "debtor": "D1"}])
    assert _score(inst, {"c1": "B510112", "c2": "B510112", "c3": "B510112"}, "medium.group_together") == 0
    assert _score(inst, {"c1": "B510105", "c2": "B510104", "c3": "B510112"}, "medium.group_together") == 100.0


# ---------------------------------------------------------------- soft.transfer_burden_balance

@covers("soft.transfer_burden_balance", "feasible")
def test_transfer_burden_balance_spreads_transfers() -> None:
    plan = solve(instance(THREE))
    assert len(set(plan.assignments.values())) == 2


@covers("soft.transfer_burden_balance", "violated")
def test_transfer_burden_balance_penalises_a_pile() -> None:
    inst = instance(THREE)
    piled = {f"c{i}": "B510112" for i in range(3)}
    solved = solve(inst).contributions["soft.transfer_burden_balance"]
    assert _score(inst, piled, "soft.transfer_burden_balance") > solved


@covers("soft.transfer_burden_balance", "contribution")
def test_transfer_burden_balance_exact() -> None:
    inst = instance(ONE)
    # worst 1/12 per officer; above fair share: 1 - 12/47 weighted cases; weight 100, ratio 0.02
    expected = 100 * (1 / 12 + 0.02 * 35 / 47)
    assert _score(inst, {"c1": "B510112"}, "soft.transfer_burden_balance") == pytest.approx(expected)


# ---------------------------------------------------------------- soft.total_load_balance

@covers("soft.total_load_balance", "feasible")
def test_total_load_balance_prefers_the_least_loaded_court_when_alone() -> None:
    inst = instance(ONE, params=instance(ONE).params.model_copy(update={"weights": {
        "soft.total_load_balance": 10.0, "soft.transfer_burden_balance": 0.0, "soft.distance": 0.0}}))
    assert solve(inst).assignments == {"c1": "B510112"}  # 750 pending per officer against 1,000


@covers("soft.total_load_balance", "violated")
def test_total_load_balance_penalises_the_swamped_court() -> None:
    inst = instance(ONE)
    assert _score(inst, {"c1": "B510105"}, "soft.total_load_balance") > _score(inst, {"c1": "B510112"},
                                                                                  "soft.total_load_balance")


@covers("soft.total_load_balance", "contribution")
def test_total_load_balance_exact() -> None:
    inst = instance(ONE)
    # the worst court (B510105, 1,000 per officer) is unchanged; the load above fair share of
    # B510104 and B510105 falls by their share of the new case: 35/47; weight 10, ratio 0.1
    assert _score(inst, {"c1": "B510112"}, "soft.total_load_balance") == pytest.approx(-10 * 0.1 * 35 / 47)
    # on B510105 the worst figure rises by 1/15 per officer, its overload by 1 - 15/47, B510104's falls by 20/47
    assert _score(inst, {"c1": "B510105"}, "soft.total_load_balance") == pytest.approx(
        10 * (1 / 15 + 0.1 * ((1 - 15 / 47) - 20 / 47)))


# ---------------------------------------------------------------- soft.distance

@covers("soft.distance", "feasible")
def test_distance_prefers_the_nearer_court_when_loads_tie() -> None:
    inst = instance(ONE, params=instance(ONE).params.model_copy(update={"weights": {
        "soft.total_load_balance": 0.0, "soft.transfer_burden_balance": 0.0, "soft.distance": 1.0}}))
    assert solve(inst).assignments == {"c1": "B510105"}  # 3.5 km from the debtor against 21 km


@covers("soft.distance", "violated")
def test_distance_penalises_the_far_court() -> None:
    inst = instance(ONE)
    assert _score(inst, {"c1": "B510112"}, "soft.distance") > _score(inst, {"c1": "B510105"}, "soft.distance")


@covers("soft.distance", "contribution")
def test_distance_exact() -> None:
    inst = instance([{"no": "c1", "court": "B510104", "home": "510104", "asset": "510112"}])
    to_debtor = great_circle_km(30.68, 104.05, 30.65, 104.08)
    to_assets = great_circle_km(30.68, 104.05, 30.56, 104.27)
    assert _score(inst, {"c1": "B510105"}, "soft.distance") == pytest.approx(0.02 * round(to_debtor + to_assets))


# ---------------------------------------------------------------- soft.churn

@covers("soft.churn", "feasible")
def test_churn_keeps_yesterdays_court() -> None:
    assert solve(instance(ONE)).assignments == {"c1": "B510105"}
    plan = solve(instance(ONE, previous={"c1": "B510112"}))
    assert plan.assignments == {"c1": "B510112"} and plan.contributions["soft.churn"] == 0


@covers("soft.churn", "violated")
def test_churn_forced_move_is_penalised() -> None:
    inst = instance(ONE, previous={"c1": "B510112"})
    moved = solve_forced(inst, [("c1", "B510105")])
    assert moved.terms["soft.churn"] == pytest.approx(5.0)


@covers("soft.churn", "contribution")
def test_churn_exact() -> None:
    inst = instance(THREE, previous={"c0": "B510112", "c1": "B510112", "c2": "B510105"})
    assert _score(inst, {"c0": "B510112", "c1": "B510105", "c2": "B510112"}, "soft.churn") == 10.0
    assert _score(inst, {"c0": "B510112", "c1": "B510112"}, "soft.churn") == 5.0  # unplaced counts as moved


# ---------------------------------------------------------------- soft.mode_cost

@covers("soft.mode_cost", "feasible")
def test_mode_cost_feasible() -> None:
    assert solve(instance(ONE)).contributions["soft.mode_cost"] == 2.0  # designate costs 2


@covers("soft.mode_cost", "violated")
def test_mode_cost_escalation_costs_more_than_designation() -> None:
    plan = solve(instance([{"no": "c1", "court": "B510104", "mode": "escalate"}]))
    assert plan.assignments == {"c1": "I510100"} and plan.contributions["soft.mode_cost"] == 3.0


@covers("soft.mode_cost", "contribution")
def test_mode_cost_exact() -> None:
    inst = instance([*THREE, {"no": "e1", "court": "B510104", "mode": "escalate"},
                     {"no": "k1", "court": "B510104", "mode": "concentrate"}])
    assert _score(inst, {"c0": "B510105", "e1": "I510100", "k1": "B510112"}, "soft.mode_cost") == 2 + 3 + 2
