"""The plan improver (solver.improve, solver.improve_search): its deltas are the validator's, move by
move; it never breaks a hard constraint; on a tiny pool it reaches the enumerated optimum from the
worst plan."""

from __future__ import annotations

import itertools
import random
import time
from datetime import date

import pytest

from assign.network import builtin_network
from solver import SolveParams, build_instance
from solver.benchmark import placement_demands
from solver.greedy import greedy_assign
from solver.improve import Move, PlanState
from solver.improve_search import improve_plan
from solver.instance import AssignmentInstance
from solver.validate import validate_plan
from tests.solver.verifier import instance

# six cases in Chengdu's pool (three basic courts), different weights and debtor homes; a and b share
# a debtor, so the group term is in play
SPECS = [
    {"no": "a", "court": "B510104", "home": "510112", "amount": "50000", "debtor": "D1"},
    {"no": "b", "court": "B510104", "home": "510112", "amount": "5000000", "debtor": "D1"},
    {"no": "c", "court": "B510105", "home": "510104", "amount": "500000"},
    {"no": "d", "court": "B510112", "home": "510105", "amount": "50000000"},
    {"no": "e", "court": "B510105", "home": "510112", "amount": "200000000"},
    {"no": "f", "court": "B510112", "home": "510104", "amount": "300000"},
]


@pytest.fixture(scope="module")
def batch() -> AssignmentInstance:
    """A generated Sichuan batch: several pools, groups, tight capacity at a low per-officer limit."""
    network = builtin_network()
    cases, verdicts = placement_demands(network, 300, province="51", seed=3, as_of=date(2025, 6, 30))
    return build_instance(cases, verdicts, network, params=SolveParams(capacity_per_officer=0.4, seed=3))


def _random_moves(state: PlanState, rng: random.Random) -> list[Move]:
    ki = rng.choice(state.movable)
    k = state.classes[ki]
    if not state.count[ki] or len(k.candidates) < 2:
        return []
    a = rng.choice(sorted(state.count[ki]))
    b = rng.choice([c for c in k.candidates if c != a])
    moves: list[Move] = [(ki, a, b, rng.randint(1, state.count[ki][a]))]
    if rng.random() < 0.5:  # a swap: some case on b goes to a
        back = [kj for kj in state.movable if kj != ki and state.count[kj].get(b, 0) > 0
                and a in state.classes[kj].candidates]
        if back:
            moves.append((rng.choice(back), b, a, 1))
    if rng.random() < 0.3:  # a compound move (as the tie relief builds): one more case elsewhere
        kj = rng.choice(state.movable)
        if state.count[kj] and len(state.classes[kj].candidates) > 1:
            c = rng.choice(sorted(state.count[kj]))
            if all((m[0], m[1]) != (kj, c) for m in moves):  # its case is still there
                moves.append((kj, c, rng.choice([x for x in state.classes[kj].candidates if x != c]), 1))
    return moves


def test_deltas_equal_the_validators_recomputation_on_random_moves(batch: AssignmentInstance) -> None:
    rng = random.Random(7)
    plan, left = greedy_assign(batch, rule="least_loaded")
    assert validate_plan(batch, plan).ok
    state = PlanState(batch, plan)
    current = validate_plan(batch, plan).objective
    checked = refused = 0
    for _ in range(250):
        moves = _random_moves(state, rng)
        if not moves:
            continue
        delta = state.delta(moves)
        trial = PlanState(batch, state.assignments())
        trial.apply(moves)
        after = validate_plan(batch, trial.assignments())
        if delta is None:  # refused: the validator must see a capacity violation
            assert any(v.startswith("hard.capacity") for v in after.violations)
            refused += 1
            continue
        assert after.ok, after.violations
        assert delta[0] == pytest.approx(after.objective - current, abs=1e-6)
        checked += 1
        if rng.random() < 0.5:  # walk on, so the deltas are checked from many plans
            state.apply(moves)
            current = after.objective
    assert checked >= 100 and refused >= 5  # the test exercised both kinds


def test_the_improver_never_worsens_and_keeps_every_hard_constraint(batch: AssignmentInstance) -> None:
    plan, _ = greedy_assign(batch, rule="least_loaded")
    before = validate_plan(batch, plan)
    improved = improve_plan(batch, plan, deadline=time.perf_counter() + 1.0)
    after = validate_plan(batch, improved)
    assert after.ok, after.violations
    assert set(improved) == set(plan)  # the same cases placed, none dropped
    assert after.objective < before.objective - 1.0


def test_the_improver_reaches_the_enumerated_optimum_from_the_worst_plan() -> None:
    tiny = instance(SPECS)
    options = [[(no, court) for court in k.candidates] for k in tiny.classes for no in k.case_nos]
    scored = []
    for choice in itertools.product(*options):
        check = validate_plan(tiny, dict(choice))
        if check.ok:
            scored.append((check.objective, dict(choice)))
    assert len(scored) >= 32
    best = min(o for o, _ in scored)
    worst_objective, worst = max(scored, key=lambda s: s[0])
    assert worst_objective > best + 10  # a bad start, far from the optimum
    improved = improve_plan(tiny, worst, deadline=float("inf"))
    assert validate_plan(tiny, improved).objective == pytest.approx(best, abs=1e-9)


def test_a_move_budget_makes_the_search_deterministic(batch: AssignmentInstance) -> None:
    plan, _ = greedy_assign(batch, rule="least_loaded")
    runs = [improve_plan(batch, plan, deadline=float("inf"), max_evals=300) for _ in range(2)]
    assert runs[0] == runs[1]
    assert validate_plan(batch, runs[0]).objective < validate_plan(batch, plan).objective
