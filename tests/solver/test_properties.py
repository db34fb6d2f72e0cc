"""Properties on random small batches: every plan the solver or greedy returns passes the
validator, places or names every case, and the ranking agrees with the validator."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import Conflict, greedy_plan, solve
from solver.recommend_one import PlanState, rank_courts
from solver.validate import validate_plan
from tests.solver.verifier import instance

COURTS = ["B510104", "B510105", "B510112", "B510703", "B510781"]
DIVISIONS = ["510104", "510105", "510112", "510703", "510781"]

spec = st.fixed_dictionaries({
    "court": st.sampled_from(COURTS), "debtor": st.sampled_from(["D1", "D2", "D3", "D4", "D5", "D6"]),
    "home": st.sampled_from(DIVISIONS), "asset": st.sampled_from(DIVISIONS),
    "amount": st.sampled_from(["50000", "500000", "5000000", "50000000"]),
    "obligation": st.sampled_from(["money", "money", "delivery", "behaviour"]),
    "flags": st.sampled_from([[], [], ["INTERFERENCE"], ["LOCAL_PROTECTION_RISK"]]),
    "mode": st.sampled_from(["designate", "designate", "concentrate", "escalate"]),
})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(spec, min_size=1, max_size=12), st.booleans())
def test_plans_are_valid_and_account_for_every_case(specs, with_conflict) -> None:
    specs = [{**s, "no": f"c{i}"} for i, s in enumerate(specs)]
    conflicts = [Conflict(court="B510112", party="D1")] if with_conflict else []
    inst = instance(specs, conflicts=conflicts)
    for plan in (solve(inst), greedy_plan(inst)):
        assert plan.violations == []
        assert set(plan.assignments) | set(plan.unplaced) == {d.case_no for d in inst.demands}
        assert not set(plan.assignments) & set(plan.unplaced)
        assert plan.objective == pytest.approx(validate_plan(inst, plan.assignments).objective, abs=1e-3)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(spec, min_size=2, max_size=10))
def test_ranking_deltas_match_the_validator(specs) -> None:
    specs = [{**s, "no": f"c{i}", "mode": "designate"} for i, s in enumerate(specs)]
    inst = instance(specs)
    last = inst.demands[-1]
    plan = solve(instance(specs[:-1]))
    state = PlanState(inst, plan.assignments)
    ranked, _ = rank_courts(state, [last])
    before = validate_plan(inst, plan.assignments).contributions
    for court, terms in ranked:
        after = validate_plan(inst, {**plan.assignments, last.case_no: court}).contributions
        for unit_id, delta in terms.items():
            assert delta == pytest.approx(after[unit_id] - before[unit_id], abs=1e-6)
