"""The counting cut on the worst-per-officer terms: a valid lower bound that whole cases imply.

Pool I510100:basic of tests.factories.make_network: B510104 (20 officers), B510105 (15),
B510112 (12). Three 1.0 cases: the LP spreads them as 3/47 per officer everywhere; whole
cases cannot do better than one per court, 1/12 per officer on B510112.
"""

from __future__ import annotations

import pytest

from solver import solve
from solver.bound import lp_bound, model_objective
from solver.constraints.balance import TransferBurdenBalance, counting_bound
from tests.solver.verifier import instance

THREE = [{"no": f"c{i}", "court": "B510104"} for i in range(3)]


def test_counting_bound_needs_room_for_whole_cases() -> None:
    # two one-officer courts, three 1.0 cases (100 hundredths): one court holds two, W = 10 x 200
    assert counting_bound([1, 1], [0, 0], [10**6, 10**6], [100], 300) == 2000
    assert counting_bound([20, 15, 12], [0, 0, 0], [10**6] * 3, [100], 300) == 84  # 10 x 100 / 12, rounded up
    assert counting_bound([1, 1], [0, 0], [100, 100], [100], 300) is None  # capacity leaves a case unplaced


def test_counting_bound_starts_from_the_figure_before_the_batch() -> None:
    assert counting_bound([2, 1], [500, 0], [10**6, 10**6], [100], 100) == 2500  # 10 x 500 / 2 before anything


def test_counting_cut_raises_the_lp_bound_and_stays_below_the_optimum(monkeypatch) -> None:
    inst = instance(THREE)
    with_cut = lp_bound(inst)
    optimum = model_objective(inst, solve(inst).assignments)
    monkeypatch.setattr(TransferBurdenBalance, "_counting_cut", lambda *args: None)
    without = lp_bound(inst)
    assert without < with_cut <= optimum + 1e-6
    # the worst term alone: 84 thousandths against 64 (3/47 rounded up), weight 100
    assert with_cut - without == pytest.approx(100 * (84 - 64) / 1000, abs=0.05)


def test_counting_cut_holds_when_capacity_leaves_cases_unplaced() -> None:
    # room for one case per court (0.09 x officers < 2.0), so the pool has room for three, but the
    # cases come from B510105 and only B510104 and B510112 may take them: one stays unplaced
    cases = [{"no": f"c{i}", "court": "B510105"} for i in range(3)]
    inst = instance(cases, params=instance(cases).params.model_copy(update={"capacity_per_officer": 0.09}))
    plan = solve(inst)
    assert len(plan.unplaced) == 1 and plan.violations == []
    assert plan.bound is not None and plan.bound <= plan.objective + 1e-6
