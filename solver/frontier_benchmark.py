"""The frontier benchmark (`assign bench solver --frontier`): every pool's frontier of a batch,
each point with its km bound and time, beside the shipped default plan and greedy on the same
pool, and the default plan's dominance defects against the frontier. Figures depend on the
machine's load: say so when quoting them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from solver.efficiency import dominance_defects
from solver.frontier import frontier_pools, pool_frontier
from solver.frontier_types import FrontierPoint
from solver.instance import AssignmentInstance, AssignmentPlan

PoolMap = Callable[[Callable[[Any], list[FrontierPoint]], Iterable[Any]], Iterable[list[FrontierPoint]]]


def _job(args: tuple[str, str, int, float]) -> list[FrontierPoint]:
    """A worker's unit: one pool's frontier from the pool as JSON (solver objects do not pickle)."""
    sub_json, pool, points, budget = args
    sub = AssignmentInstance.model_validate_json(sub_json)
    return pool_frontier(sub, pool, points=points, time_limit_s=budget)


def frontier_report(inst: AssignmentInstance, plan: AssignmentPlan, greedy: AssignmentPlan, *, points: int = 5,
                    time_limit_s: float = 60.0, pool_map: PoolMap | None = None, parallel: int = 1) -> dict[str, Any]:
    """Per pool: the frontier's points, the default plan's and greedy's points, the default's defects;
    in all: the time, and per series the sum over pools of the worst figure and the km."""
    started = time.perf_counter()
    pools = list(frontier_pools(inst))
    sizes = {p: sum(len(k.case_nos) for k in inst.classes if k.pool == p) for p in pools}
    total = sum(sizes.values()) or 1
    if pool_map is not None:  # in parallel: fixed shares, room for building and the process pool's start
        share = 0.9 * time_limit_s * parallel
        results = list(pool_map(_job, [(inst.subinstance(p, plan.assignments).model_dump_json(), p, points,
                                        max(0.2, share * sizes[p] / total)) for p in pools]))
    else:  # in turn, largest first: each pool gets the time left in proportion to its cases
        results, left = [], total
        for p in pools:
            remaining = 0.95 * time_limit_s - (time.perf_counter() - started)
            results.append(_job((inst.subinstance(p, plan.assignments).model_dump_json(), p, points,
                                 max(0.2, remaining * sizes[p] / left))))
            left -= sizes[p]
    mine = {p.pool: p for p in plan.points}
    theirs = {p.pool: p for p in greedy.points}
    rows: list[dict[str, Any]] = []
    series: dict[str, dict[str, float]] = {s: {"worst_sum": 0.0, "km": 0.0} for s in
                                           ("most_balanced", "default", "greedy", "least_travel")}
    for pool, frontier in zip(pools, results, strict=True):
        if not frontier:
            continue
        for name, point in (("most_balanced", frontier[0]), ("default", mine.get(pool)),
                            ("greedy", theirs.get(pool)), ("least_travel", frontier[-1])):
            if point is not None:
                series[name]["worst_sum"] += point.worst_per_officer
                series[name]["km"] += point.km_total
        rows.append({"pool": pool, "cases": sizes[pool], "time_s": round(sum(p.time_s for p in frontier), 2),
                     "frontier": [_brief(p) for p in frontier],
                     "default": _brief(mine[pool]) if pool in mine else None,
                     "greedy": _brief(theirs[pool]) if pool in theirs else None,
                     "default_defects": dominance_defects([mine[pool]], frontier) if pool in mine else []})
    return {"time_s": round(time.perf_counter() - started, 2), "time_limit_s": time_limit_s, "points_per_pool": points,
            "pools": len(rows), "points": sum(len(r["frontier"]) for r in rows),
            "proven_points": sum(1 for r in rows for p in r["frontier"] if p["status"] == "OPTIMAL"),
            "default_dominated_pools": sum(1 for r in rows if r["default_defects"]),
            "series": {k: {"worst_sum": round(v["worst_sum"], 4), "km": round(v["km"])} for k, v in series.items()},
            "per_pool": rows}


def _brief(p: FrontierPoint) -> dict[str, Any]:
    return {"label": p.label, "epsilon": p.epsilon, "worst": p.worst_per_officer, "spread": p.spread,
            "km": p.km_total, "km_debtor": p.km_debtor, "km_assets": p.km_assets, "km_mean": p.km_mean,
            "km_bound": p.km_bound, "km_gap": p.km_gap, "unplaced": p.unplaced, "status": p.status or p.kind.value,
            "time_s": p.time_s}
