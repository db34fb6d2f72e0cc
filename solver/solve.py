"""Solve an instance pool by pool and assemble one validated, reproducible AssignmentPlan."""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib.metadata import version as installed_version
from typing import Any

import assign
from solver.efficiency import dominance_defects
from solver.frontier_types import FrontierPoint
from solver.greedy import greedy_assign
from solver.instance import AssignmentInstance, AssignmentPlan, PlanStatus
from solver.model import search_workers, solve_pool
from solver.points import plan_points
from solver.results import PoolReport, PoolResult
from solver.validate import validate_plan

MIN_POOL_S = 0.05
LEVEL_ORDER = {"basic": 0, "intermediate": 1, "high": 2, "supreme": 3}
PoolMap = Callable[[Callable[[Any], PoolResult], Iterable[Any]], Iterable[PoolResult]]


def _job(args: tuple[str, float, dict[str, str]]) -> PoolResult:
    """A worker's unit of work: the pool as JSON in (solver objects do not pickle), a typed result out."""
    sub_json, budget, hint = args
    return solve_pool(AssignmentInstance.model_validate_json(sub_json), budget, hint)


def solve(inst: AssignmentInstance, *, hint: Mapping[str, str] | None = None,
          pool_map: PoolMap | None = None, parallel: int = 1) -> AssignmentPlan:
    """Solve pool by pool (see `solver.model.solve_pool`) and assemble one validated plan.

    Sequentially, pools run largest first and each gets the remaining time in proportion to
    its share of the remaining cases, so time a small pool does not need passes on. With
    `pool_map` (a process pool's map over `parallel` processes) pools run concurrently, largest
    first, each with its share of `parallel` x the time limit (capped at the limit).
    `hint` (case_no -> court) is used only when `SolveParams.hint` asks for warm starts.
    """
    started = time.perf_counter()
    hint = dict(hint or {d.case_no: d.previous for d in inst.demands if d.previous})
    pools = [p.id for p in inst.pools if any(k.pool == p.id for k in inst.classes)]
    sizes = {p: sum(len(k.case_nos) for k in inst.classes if k.pool == p) for p in pools}
    total = sum(sizes.values()) or 1
    # lower levels first, so a forum's escalations (decided in its own pool) are a fixed load when
    # its superior's pool places cases on it; within a level, largest first
    level = {p.id: LEVEL_ORDER.get(p.level, len(LEVEL_ORDER)) for p in inst.pools}
    order = sorted(pools, key=lambda p: (level[p], -sizes[p], p))
    limit = inst.params.time_limit_s
    results: list[PoolResult] = []
    if pool_map is not None:
        jobs = []
        for p in order:
            sub = inst.subinstance(p)
            mine = {d.case_no: hint[d.case_no] for d in sub.demands if d.case_no in hint}
            share = 1.0 if inst.params.deterministic else 0.9 * parallel  # deterministic: as in turn
            budget = max(MIN_POOL_S, min(limit, share * limit * sizes[p] / total))
            jobs.append((sub.model_dump_json(), budget, mine))
        results = list(pool_map(_job, jobs))
    else:
        left = total
        placed: dict[str, str] = {}
        for p in order:
            if inst.params.deterministic:  # budgets must not depend on the wall clock
                budget = max(MIN_POOL_S, limit * sizes[p] / total)
            else:
                remaining = 0.95 * limit - (time.perf_counter() - started)  # room for validation
                budget = max(MIN_POOL_S, remaining * sizes[p] / left)
            until = None if inst.params.deterministic else started + 0.95 * limit
            results.append(solve_pool(inst.subinstance(p, placed), budget, hint, until))
            placed.update(results[-1].plan())
            left -= sizes[p]
    assignments = {d.case_no: d.forum for d in inst.demands if d.pool is None}
    unplaced = dict(inst.infeasible)
    for r in results:
        assignments.update(r.plan())
        unplaced.update({no: "hard.capacity" for no in r.unplaced})
    statuses = {r.status for r in results}
    if not inst.demands:
        status = PlanStatus.EMPTY
    elif any(r.fallback for r in results):
        status = PlanStatus.GREEDY
    else:
        status = PlanStatus.OPTIMAL if statuses <= {"OPTIMAL"} else PlanStatus.FEASIBLE
    # a pool without a bound (neither the LP nor CP-SAT gave one) leaves the whole plan without one
    slack: float | None = 0.0
    for r in results:
        slack = None if slack is None or r.bound is None or r.objective is None else \
            slack + max(0.0, r.objective - r.bound)
    found = [p for r in results for p in r.found_points]
    reports = [r.report() for r in results]
    return finish_plan(inst, assignments, unplaced, status, time.perf_counter() - started, reports, slack, found)


def greedy_plan(inst: AssignmentInstance) -> AssignmentPlan:
    started = time.perf_counter()
    assignments, unplaced = greedy_assign(inst)
    return finish_plan(inst, assignments, unplaced, PlanStatus.GREEDY if inst.demands else PlanStatus.EMPTY,
                       time.perf_counter() - started, [], None)


def finish_plan(inst: AssignmentInstance, assignments: Mapping[str, str], unplaced: Mapping[str, str],
                status: PlanStatus, time_s: float, reports: list[PoolReport],
                slack: float | None, found: Sequence[FrontierPoint] = ()) -> AssignmentPlan:
    """Validate, score and stamp the plan with everything needed to re-derive it; `found` (other
    plans the run found, as points) must not dominate it beyond its gap (`plan.defects`)."""
    check = validate_plan(inst, assignments)
    bound = check.objective - slack if slack is not None else None
    gap = (check.objective - bound) / max(abs(check.objective), 1e-9) if bound is not None else None
    p = inst.params
    points = plan_points(inst, assignments, label=p.policy.value)
    digest = hashlib.sha256(json.dumps([inst.network_hash, sorted(assignments.items())]).encode()).hexdigest()
    return AssignmentPlan(
        plan_id=f"plan-{digest[:12]}", status=status, assignments=dict(assignments),
        modes={d.case_no: d.mode_at(assignments[d.case_no]) for d in inst.demands if d.case_no in assignments},
        unplaced=dict(unplaced),
        objective=round(check.objective, 4), bound=None if bound is None else round(bound, 4),
        gap=None if gap is None else round(gap, 6),
        contributions={k: round(v, 4) for k, v in check.contributions.items()},
        metrics=check.metrics, violations=check.violations, subproblems=reports, seed=p.seed,
        workers=search_workers(p), time_s=round(time_s, 3),
        versions=versions(inst), params=p.model_dump(mode="json"), policy=p.policy,
        points=points, defects=dominance_defects(points, found, gap or 0.0),
    )


def versions(inst: AssignmentInstance) -> dict[str, str]:
    return {"ortools": installed_version("ortools"), "python": platform.python_version(), "solver": assign.__version__,
            "network": inst.network_hash}
