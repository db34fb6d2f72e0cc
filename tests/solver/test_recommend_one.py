"""Single-case ranking: agrees with the validator's score deltas, names every exclusion, is fast."""

from __future__ import annotations

import statistics
import time

import pytest

from api.service.placement import plan_state, recommend_one
from solver import build_instance, solve
from solver.build import make_demand
from solver.recommend_one import PlanState, rank_courts
from solver.validate import validate_plan
from tests.factories import make_network, make_verdict
from tests.solver.test_model import MANY
from tests.solver.verifier import asset, debtor, instance, labelled

NEW = {"no": "new", "court": "B510105", "debtor": "D1", "home": "510104", "asset": "510112"}


def test_deltas_agree_with_the_validator_term_by_term() -> None:
    with_new = instance([*MANY, NEW])  # D1 already has cases in the plan: the group term matters
    plan = solve(instance(MANY))
    state = PlanState(with_new, plan.assignments)
    demand = with_new.demand_by_case()["new"]
    ranked, excluded = rank_courts(state, [demand])
    before = validate_plan(with_new, plan.assignments).contributions
    assert ranked and {e.court for e in excluded} == {"B510105"}
    for court, terms in ranked:
        after = validate_plan(with_new, {**plan.assignments, "new": court}).contributions
        for unit_id, delta in terms.items():
            assert delta == pytest.approx(after[unit_id] - before[unit_id], abs=1e-6), (court, unit_id)
    totals = [sum(t.values()) for _, t in ranked]
    assert totals == sorted(totals)


def test_every_excluded_court_comes_with_its_constraint() -> None:
    network = make_network()
    inst = build_instance([], [], network)
    state = PlanState(inst, {})
    case = labelled("n1", court_code="B510105", debtor=debtor("D9", "510112"), assets=asset("510104"))
    rec = recommend_one(case, make_verdict("n1", forum="I510100", flags=["LOCAL_PROTECTION_RISK"]), network, state)
    assert rec.target_court is None and rec.unplaced_reason == "hard.not_asset_local"
    assert {(e.court, e.constraint) for e in rec.excluded} == {
        ("B510104", "hard.not_asset_local"), ("B510105", "hard.not_original_court"),
        ("B510112", "hard.not_debtor_home"), ("*", "hard.in_forum_jurisdiction")}


def test_recommend_one_ranks_alternatives_with_deltas() -> None:
    network = make_network()
    inst = instance(MANY)
    plan = solve(inst)
    case = labelled("n2", court_code="B510104", debtor=debtor("D8"))
    rec = recommend_one(case, make_verdict("n2", forum="I510100"), network, plan_state(inst, plan))
    assert rec.target_court in {"B510105", "B510112"}
    assert [a.court for a in rec.alternatives] == sorted({"B510105", "B510112"} - {rec.target_court})
    assert all(a.delta >= 0 for a in rec.alternatives)
    assert set(rec.score) >= {"soft.transfer_burden_balance", "soft.distance"}


def test_single_case_is_fast_without_a_solve() -> None:
    network = make_network()
    state = PlanState(build_instance([], [], network), {})
    case = labelled("n3", court_code="B510104", debtor=debtor("D7"))
    verdict = make_verdict("n3", forum="I510100")
    times = []
    for _ in range(50):
        started = time.perf_counter()
        recommend_one(case, verdict, network, state)
        times.append(time.perf_counter() - started)
    assert statistics.median(times) < 0.010
    assert make_demand(case, verdict, network).pool == "I510100:basic"
