"""soft.receiving_outcome: off by default; when on, the court with the better measured share is preferred.

Pool I510100:basic of tests.factories.make_network; a case of B510104 may go to B510105 or B510112.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from solver import SolveParams, solve
from solver.recommend_one import PlanState, rank_courts
from solver.validate import validate_plan
from tests.solver.test_model import MANY
from tests.solver.verifier import FAST, covers, instance, solve_forced

ONE = [{"no": "c1", "court": "B510104"}]
THREE = [{"no": f"c{i}", "court": "B510104"} for i in range(3)]
UNIT = "soft.receiving_outcome"
# the other court-dependent terms off, so the measured share alone decides
ONLY_OUTCOME = {UNIT: 10.0, "soft.transfer_burden_balance": 0.0, "soft.total_load_balance": 0.0,
                "soft.distance": 0.0}


def _params(shares: dict[str, float], weights: dict[str, float] | None = None) -> SolveParams:
    update: dict[str, object] = {"outcome_shares": shares}
    if weights is not None:
        update["weights"] = weights
    return FAST.model_copy(update=update)


def test_off_by_default_changes_nothing() -> None:
    assert FAST.outcome_shares == {}
    plan = solve(instance(ONE))
    assert plan.assignments == {"c1": "B510105"}  # the balance and distance terms' choice
    assert plan.contributions[UNIT] == 0.0 and plan.params["outcome_shares"] == {}


@covers(UNIT, "feasible")
def test_receiving_outcome_prefers_the_court_with_more_progress() -> None:
    shares = {"B510105": 0.1, "B510112": 0.9}
    plan = solve(instance(ONE, params=_params(shares, ONLY_OUTCOME)))
    assert plan.assignments == {"c1": "B510112"}
    assert plan.contributions[UNIT] == pytest.approx(10 * (1 - 0.9))
    assert plan.params["outcome_shares"] == shares  # the plan says which figures it used
    # the same figures the other way round: the other court
    flipped = solve(instance(ONE, params=_params({"B510105": 0.9, "B510112": 0.1}, ONLY_OUTCOME)))
    assert flipped.assignments == {"c1": "B510105"}


@covers(UNIT, "violated")
def test_receiving_outcome_forced_onto_the_weaker_court_is_penalised() -> None:
    inst = instance(ONE, params=_params({"B510105": 0.1, "B510112": 0.9}, ONLY_OUTCOME))
    free, forced = solve_forced(inst), solve_forced(inst, [("c1", "B510105")])
    assert forced.status == "OPTIMAL" and forced.objective > free.objective
    assert forced.terms[UNIT] == pytest.approx(10 * 0.9)


@covers(UNIT, "contribution")
def test_receiving_outcome_exact_with_a_court_without_figures() -> None:
    # B510112 has no measured share: it is costed at the mean of the measured ones, (0.2 + 0.6) / 2
    inst = instance([*THREE, {"no": "e1", "court": "B510104", "mode": "escalate"}],
                    params=_params({"B510105": 0.2, "B510104": 0.6}))
    score = validate_plan(inst, {"c0": "B510105", "c1": "B510112", "e1": "I510100"}).contributions[UNIT]
    assert score == pytest.approx(10 * ((1 - 0.2) + (1 - 0.4)))  # unplaced and escalated cases count nothing


def test_single_case_ranking_agrees_with_the_validator_when_on() -> None:
    params = _params({"B510104": 0.7, "B510105": 0.3, "B510112": 0.5})
    new = {"no": "new", "court": "B510105", "debtor": "D1", "home": "510104", "asset": "510112"}
    with_new = instance([*MANY, new], params=params)
    plan = solve(instance(MANY, params=params))
    state = PlanState(with_new, plan.assignments)
    ranked, _ = rank_courts(state, [with_new.demand_by_case()["new"]])
    before = validate_plan(with_new, plan.assignments).contributions
    assert ranked and all(UNIT in terms for _, terms in ranked)
    for court, terms in ranked:
        after = validate_plan(with_new, {**plan.assignments, "new": court}).contributions
        assert terms[UNIT] == pytest.approx(after[UNIT] - before[UNIT], abs=1e-6), court


def test_a_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValidationError):
        SolveParams(outcome_shares={"B510105": 1.5})
