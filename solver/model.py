"""The CP-SAT model of one subproblem (a pool), and the solve of a whole instance pool by pool."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ortools.sat.python import cp_model

from solver.constraints import REGISTRY, ConstraintUnit
from solver.greedy import greedy_assign
from solver.instance import AssignmentInstance, SolveParams
from solver.lp_round import solve_pool_lp
from solver.points import plan_points
from solver.stop import stop_requested, watched
from solver.validate import validate_plan
from solver.variables import OBJ_SCALE, CpSatBackend, ModelContext

_STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE", cp_model.INFEASIBLE: "INFEASIBLE",
           cp_model.MODEL_INVALID: "MODEL_INVALID", cp_model.UNKNOWN: "UNKNOWN"}


# CP-SAT's strength is its portfolio: with only 2 threads it runs two strategies. Measured on
# the 2-core machine (2,000 Sichuan cases, 5 s, quiet): 4 threads gave 1.32-1.50 % gap against
# 1.65-1.70 % with 2, and 0.19 % against 0.24 % on 20,000 cases in 30 s; 8 threads were no better
# than 4. Hence at least 4 threads when the caller leaves the count to the solver.
MIN_SEARCH_WORKERS = 4


def search_workers(params: SolveParams) -> int:
    """CP-SAT threads for one solve: 1 in deterministic mode, `params.workers` when given,
    else the machine's cores but at least MIN_SEARCH_WORKERS."""
    if params.deterministic:
        return 1
    return params.workers or max(MIN_SEARCH_WORKERS, os.cpu_count() or 1)


class TransferModel:
    """CP-SAT over the instance's classes: build once, optionally `vars.fix(...)`, then `solve`."""

    def __init__(self, inst: AssignmentInstance, params: SolveParams | None = None,
                 units: Sequence[ConstraintUnit] = REGISTRY) -> None:
        self.inst = inst
        self.params = params or inst.params
        self.backend = CpSatBackend()
        self.ctx = ModelContext(self.backend, inst, self.params)
        self.vars = self.ctx.vars
        self.terms: dict[str, Any] = {u.id: u.build(self.ctx) for u in units}
        penalty = int(round(self.params.unplaced_penalty * OBJ_SCALE))
        left = list(self.vars.unplaced.values())
        self.terms["unplaced"] = self.backend.dot(left, [penalty] * len(left))
        self.backend.model.minimize(sum(self.terms.values()))

    def hint(self, assignment: Mapping[str, str]) -> None:
        """Warm start from a case_no -> court assignment (previous plan or greedy)."""
        for k in self.inst.classes:
            counts = Counter(assignment.get(no) for no in k.case_nos)
            placed = 0
            for court in k.candidates:
                n = counts.get(court, 0)
                placed += n
                self.backend.model.add_hint(self.vars.x[(k.id, court)], n)
            self.backend.model.add_hint(self.vars.unplaced[k.id], len(k.case_nos) - placed)

    def restrict(self, bounds: Mapping[tuple[str, str], tuple[int, int]]) -> None:
        """Limit x[class, court] to [lo, hi] (pairs not named: 0): a neighbourhood search around an LP point."""
        for key, var in self.vars.x.items():
            lo, hi = bounds.get(key, (0, 0))
            self.backend.model.add_linear_constraint(var, lo, hi)

    def _portfolio(self) -> dict[str, Any]:
        """Threads (1 in deterministic mode) and, with several, the subsolvers they run."""
        workers = search_workers(self.params)
        subsolvers = ["max_lp", "reduced_costs", "core", "quick_restart"][:workers] if workers > 1 else []
        return {"num_workers": workers, "subsolvers": subsolvers}

    def solve(self, time_limit_s: float | None = None, portfolio: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Plain-data result: status, assignment, unplaced, objective/bound in points, per-term values.

        `portfolio` (CP-SAT parameters such as num_workers and subsolvers) replaces `_portfolio()`:
        bench/solver_pools.py measures alternatives with it."""
        p = self.params
        solver = cp_model.CpSolver()
        limit = time_limit_s if time_limit_s is not None else p.time_limit_s
        solver.parameters.random_seed = p.seed
        # The balance terms are max/overload rows over one pool: the LP relaxation closes the
        # gap almost at once (measured: 35 ms with it against 3.5 s without on 18 classes).
        solver.parameters.linearization_level = 2
        if p.deterministic:
            solver.parameters.max_deterministic_time = limit
        else:
            solver.parameters.max_time_in_seconds = limit
        for key, value in (portfolio if portfolio is not None else self._portfolio()).items():
            if key == "subsolvers":
                solver.parameters.subsolvers.extend(value)
            else:
                setattr(solver.parameters, key, value)
        if p.relative_gap:
            solver.parameters.relative_gap_limit = p.relative_gap
        started = time.perf_counter()
        with watched(solver):
            code = solver.solve(self.backend.model)
        out: dict[str, Any] = {"status": _STATUS.get(code, str(code)), "time_s": time.perf_counter() - started,
                               "classes": len(self.inst.classes), "variables": len(self.vars.x)}
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            assign, left = self.vars.extract({v: solver.value(v) for v in self.vars.x.values()})
            out.update(assignments=assign, unplaced=left, objective=solver.objective_value / OBJ_SCALE,
                       bound=solver.best_objective_bound / OBJ_SCALE,
                       terms={k: solver.value(t) / OBJ_SCALE for k, t in self.terms.items()})
        return out


def solve_pool(sub: AssignmentInstance, time_limit_s: float, hint: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Solve one pool: LP, rounding and CP-SAT next to the LP point first (fast, with a proven
    bound); then, when the pool is small enough, CP-SAT on the whole pool in the time left; the
    marginal greedy plan is a third candidate; the validator's objective picks the plan, and the
    best bound is kept."""
    started = time.perf_counter()
    size = sum(len(k.candidates) for k in sub.classes)
    small = size <= sub.params.cpsat_max_vars
    # next to the LP point first (cheap, often most of the gain), the whole pool after that
    first = solve_pool_lp(sub, budget_s=0.3 * time_limit_s if small else time_limit_s)
    bounds = [first["bound"]] if "bound" in first else []
    candidates = [first] if "assignments" in first else []
    remaining = time_limit_s - (0.4 * time_limit_s if sub.params.deterministic else time.perf_counter() - started)
    proven = bool(candidates) and first["objective"] - first["bound"] <= 1e-6 * max(1.0, abs(first["objective"]))
    if small and remaining > 0.05 and not proven and not stop_requested():
        model = TransferModel(sub)
        if sub.params.hint != "none":
            start = dict(greedy_assign(sub, rule="marginal")[0])
            start.update(dict(hint or {}))
            model.hint(start)
        result = model.solve(remaining)
        if "bound" in result:
            bounds.append(result["bound"])
        if "assignments" in result:
            candidates.append({**result, "method": "cp_sat"})
    # the validator, not the model, picks the plan: a guard against any model/validator drift
    greedy, left = greedy_assign(sub, rule="marginal")
    check = validate_plan(sub, greedy)
    candidates.append({"status": "GREEDY", "method": "greedy", "assignments": greedy, "unplaced": list(left),
                       "objective": check.objective})
    best = min(candidates, key=lambda r: validate_plan(sub, r["assignments"]).objective)
    if best["method"] == "greedy" and len(candidates) == 1:
        best["fallback"] = "greedy"
    if bounds and "objective" in best:
        best["bound"] = max(bounds)
        if best["objective"] - best["bound"] <= 1e-6 * max(1.0, abs(best["objective"])):
            best["status"] = "OPTIMAL"
    best["pool"] = sub.pools[0].id if sub.pools else ""
    # the other plans this run found, as points: the efficiency check (solver.efficiency) compares
    best["found_points"] = [p.model_dump(mode="json") for r in candidates if r is not best
                            for p in plan_points(sub, r["assignments"], label=r.get("method", ""))]
    best["time_s"] = time.perf_counter() - started
    return best
