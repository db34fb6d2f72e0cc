"""Named policies: a weight set per name, stored with every plan, replayable from the stored plan."""

from __future__ import annotations

import pytest

from solver import solve
from solver.instance import AssignmentPlan, SolveParams
from solver.policy import DEFAULT_WEIGHTS, POLICY_WEIGHTS, Policy
from tests.solver.test_model import MANY
from tests.solver.verifier import FAST, instance


def test_each_policy_is_its_weight_set_and_explicit_weights_win() -> None:
    assert SolveParams().weights == DEFAULT_WEIGHTS and SolveParams().policy == Policy.DEFAULT
    for policy in Policy:
        assert SolveParams(policy=policy).weights == POLICY_WEIGHTS[policy]
    balanced, near = POLICY_WEIGHTS[Policy.BALANCED], POLICY_WEIGHTS[Policy.NEAR]
    key = "soft.transfer_burden_balance"
    assert balanced[key] > DEFAULT_WEIGHTS[key] > near[key]
    mine = SolveParams(policy="near", weights={"soft.distance": 1.0})
    assert mine.policy == Policy.NEAR and mine.weight("soft.distance") == 1.0
    with pytest.raises(ValueError, match="balanced"):
        SolveParams(policy="nearest")


@pytest.mark.parametrize("policy", list(Policy))
def test_the_plan_stores_its_policy_and_a_replay_from_the_stored_params_reproduces_it(policy: Policy) -> None:
    params = FAST.model_copy(update={"policy": policy, "weights": POLICY_WEIGHTS[policy]})
    plan = solve(instance(MANY, params=params))
    stored = AssignmentPlan.model_validate_json(plan.model_dump_json())
    assert stored.policy == policy and stored.params["policy"] == policy.value and stored.seed == FAST.seed
    assert {p.pool for p in stored.points} == {"I510100:basic", "I510700:basic"}
    assert all(p.label == policy.value and p.placed + p.unplaced > 0 for p in stored.points)
    replay = solve(instance(MANY, params=SolveParams.model_validate(stored.params)))
    assert replay.assignments == plan.assignments and replay.plan_id == plan.plan_id

