"""The frontier per pool against enumeration: on a tiny pool every legal assignment is listed,
and each frontier point must be exactly the least-travel plan under its ε (then the most
balanced among those), with the two ends the true most balanced and least travel plans."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from solver.frontier import W_UNIT, _model_w, forum_frontier, pool_frontier
from solver.frontier_types import PointKind
from solver.instance import AssignmentInstance
from solver.points import plan_points
from tests.solver.verifier import instance

# five cases in Chengdu's pool (three basic courts of 20, 15 and 12 officers), different
# weights (amounts) and debtor homes, so balance and travel pull apart
SPECS = [
    {"no": "a", "court": "B510104", "home": "510112", "amount": "50000"},
    {"no": "b", "court": "B510104", "home": "510112", "amount": "5000000"},
    {"no": "c", "court": "B510105", "home": "510104", "amount": "500000"},
    {"no": "d", "court": "B510112", "home": "510105", "amount": "50000000"},
    {"no": "e", "court": "B510105", "home": "510112", "amount": "200000000", "obligation": "money"},
    {"no": "f", "court": "B510112", "home": "510104", "amount": "300000"},
]
POOL = "I510100:basic"


def enumerate_plans(inst: AssignmentInstance) -> list[tuple[int, int, dict[str, str]]]:
    """(W in model units, km, assignment) for every legal assignment of the pool's cases."""
    options = [[(no, court) for court in k.candidates] for k in inst.classes for no in k.case_nos]
    plans = []
    for choice in itertools.product(*options):
        assignment = dict(choice)
        point = plan_points(inst, assignment, pools=[POOL])[0]
        plans.append((_model_w(inst.subinstance(POOL), assignment), point.km_total, assignment))
    return plans


@pytest.fixture(scope="module")
def tiny() -> AssignmentInstance:
    return instance(SPECS)


def test_every_frontier_point_is_the_enumerated_optimum_at_its_epsilon(tiny: AssignmentInstance) -> None:
    plans = enumerate_plans(tiny)
    assert len(plans) >= 32  # the test means something: many legal assignments
    points = pool_frontier(tiny, POOL, points=5, time_limit_s=10)
    assert 2 <= len(points) <= 5 and all(p.kind == PointKind.FRONTIER for p in points)
    w_min = min(w for w, _, _ in plans)
    km_min = min(km for _, km, _ in plans)
    first, last = points[0], points[-1]
    assert round(first.worst_per_officer * W_UNIT) <= w_min + 1  # rounding of the reported figure only
    assert first.km_total == min(km for w, km, _ in plans if w == w_min)
    assert last.km_total == km_min
    assert round(last.worst_per_officer * W_UNIT) >= min(w for w, km, _ in plans if km == km_min) - 1
    for p in points:
        assert p.status == "OPTIMAL" and p.km_bound == p.km_total and p.unplaced == 0
        if p.epsilon is None:
            continue
        eps = round(p.epsilon * W_UNIT)
        best_km = min(km for w, km, _ in plans if w <= eps)
        assert p.km_total == best_km
        assert round(p.worst_per_officer * W_UNIT, 3) == pytest.approx(
            min(w for w, km, _ in plans if w <= eps and km == best_km), abs=1)
    # every point is efficient: no enumerated plan is at least as good on both and better on one
    for p in points:
        w = round(p.worst_per_officer * W_UNIT)
        assert not any(ow <= w - 1 and okm <= p.km_total or ow <= w and okm < p.km_total for ow, okm, _ in plans)
    # strictly increasing W and decreasing km along the frontier
    assert [p.worst_per_officer for p in points] == sorted(p.worst_per_officer for p in points)
    assert [p.km_total for p in points] == sorted((p.km_total for p in points), reverse=True)


def test_the_forum_frontier_marks_the_plan_and_counts_moves(tiny: AssignmentInstance) -> None:
    plans = enumerate_plans(tiny)
    worst = max(plans, key=lambda p: (p[1], p[0]))  # the most travel, the worst balance among those
    frontier = forum_frontier(tiny, "I510100", points=5, time_limit_s=10, plan_assignments=worst[2], plan_id="p1")
    assert frontier.forum == "I510100" and frontier.plan_id == "p1"
    assert [p.pool for p in frontier.plan] == [POOL] and frontier.plan[0].kind == PointKind.PLAN
    assert frontier.plan[0].km_total == worst[1]
    assert frontier.plan[0].received == dict(sorted(Counter(worst[2].values()).items()))  # per court, for the console
    for p in frontier.points:
        assert sum(p.received.values()) == p.placed and set(p.received) <= set(tiny.pool_by_id()[POOL].courts)
    assert frontier.defects and "dominated" in frontier.defects[0]


def test_cli_bench_solver_frontier_prints_every_pool_beside_default_and_greedy() -> None:
    import json

    from typer.testing import CliRunner

    from api.cli import app

    result = CliRunner().invoke(app, ["bench", "solver", "--cases", "60", "--province", "50", "--seed", "2",
                                      "--time-limit", "1", "--workers", "1", "--no-lp", "--frontier", "--points", "3",
                                      "--frontier-time", "6"])
    assert result.exit_code == 0, result.output
    f = json.loads(result.stdout)["frontier"]
    assert f["pools"] == len(f["per_pool"]) >= 1 and f["points"] >= f["pools"]
    for pool in f["per_pool"]:
        assert 1 <= len(pool["frontier"]) <= 3 and pool["default"] and pool["greedy"]
        assert all(p["km_bound"] is None or p["km_bound"] <= p["km"] for p in pool["frontier"])
        worst = [p["worst"] for p in pool["frontier"]]
        assert worst == sorted(worst)
    assert set(f["series"]) == {"most_balanced", "default", "greedy", "least_travel"}
    assert f["series"]["least_travel"]["km"] <= f["series"]["greedy"]["km"]


def test_the_lp_km_bound_never_exceeds_the_enumerated_least_travel(tiny: AssignmentInstance) -> None:
    from solver.frontier import _LpBound

    plans = enumerate_plans(tiny)
    lp = _LpBound(tiny.subinstance(POOL))
    bounds = []
    for eps in sorted({w for w, _, _ in plans}):
        bound = lp.km_bound(eps)
        assert bound is not None and bound <= min(km for w, km, _ in plans if w <= eps)
        bounds.append(bound)
    assert bounds[0] > 0 and bounds == sorted(bounds, reverse=True)  # informative, and weaker as ε grows
    assert lp.km_bound(None) <= min(km for _, km, _ in plans)
