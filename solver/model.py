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
from solver.improve_search import IMPROVE_EVALS_PER_S, improve_plan
from solver.instance import AssignmentInstance, SolveParams
from solver.lp_round import solve_pool_lp
from solver.points import plan_points
from solver.portfolio import HighsRace, Race
from solver.results import PoolResult, is_proven
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
# On pools with at most this many (class, court) pairs the rounded LP plan (a fallback and a
# bound) goes straight to CP-SAT on the whole pool, without the neighbourhood searches: CP-SAT
# proves such pools in tens of milliseconds (measured on the 29 groups `assign recommend` places
# from a 2,000-case file: 2-120 pairs, every pool proven in 0.01-1.2 s under load), while the
# neighbourhoods' model building used up a share of the 5 s limit and left some unproven.
DIRECT_MAX_PAIRS = 300
# The share of a pool's time the plan improver (solver.improve_search) keeps for itself: the engines
# get the rest, the improver polishes the best plan they found until the pool's time is up.
IMPROVE_SHARE = 0.2


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

    def solve(self, time_limit_s: float | None = None, portfolio: Mapping[str, Any] | None = None,
              race: Race | None = None) -> PoolResult:
        """Status, assignment, unplaced, objective/bound in points, per-term values.

        `portfolio` (CP-SAT parameters such as num_workers and subsolvers) replaces `_portfolio()`:
        bench/solver_pools.py measures alternatives with it. `race` (solver.portfolio) shares this
        search's incumbents and bound with another engine searching the same pool, and stops the
        search once the two together prove a plan optimal."""
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
        callback = None
        if race is not None:
            solver.best_bound_callback = lambda b: race.bounded(b / OBJ_SCALE)
            callback = _Incumbents(self, race)
        started = time.perf_counter()
        with watched(solver, also=race.settled if race is not None else None):
            code = solver.solve(self.backend.model, callback)
        status = _STATUS.get(code, str(code))
        size = {"classes": len(self.inst.classes), "variables": len(self.vars.x)}
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return PoolResult(status=status, method="cp_sat", time_s=time.perf_counter() - started, **size)
        assign, left = self.vars.extract({v: solver.value(v) for v in self.vars.x.values()})
        return PoolResult(status=status, method="cp_sat", time_s=time.perf_counter() - started, **size,
                          assignments=assign, unplaced=left, objective=solver.objective_value / OBJ_SCALE,
                          bound=solver.best_objective_bound / OBJ_SCALE, bound_by="cp_sat",
                          terms={k: solver.value(t) / OBJ_SCALE for k, t in self.terms.items()})


class _Incumbents(cp_model.CpSolverSolutionCallback):
    """Each CP-SAT solution to the race: its objective, and its counts for the other engine."""

    def __init__(self, model: TransferModel, race: Race) -> None:
        super().__init__()
        self.keys = list(model.vars.x)
        self.x = [model.vars.x[k] for k in self.keys]
        self.race = race

    def on_solution_callback(self) -> None:
        self.race.found(self.objective_value / OBJ_SCALE, dict(zip(self.keys, map(self.value, self.x), strict=True)))


def _whole_pool(sub: AssignmentInstance, time_limit_s: float, hint: Mapping[str, str] | None,
                race: Race | None) -> PoolResult:
    """CP-SAT on the whole pool (warm-started only when `SolveParams.hint` asks for it)."""
    model = TransferModel(sub)
    if sub.params.hint != "none":
        start = dict(greedy_assign(sub, rule="marginal")[0])
        start.update(dict(hint or {}))
        model.hint(start)
    whole = model.solve(time_limit_s, race=race)
    if race is not None and whole.objective is not None and whole.bound is not None:
        race.found(whole.objective)
        race.bounded(whole.bound)
    return whole


def _improved(sub: AssignmentInstance, best: PoolResult, before: float, deadline: float,
              total_s: float) -> PoolResult:
    """The best plan after the local search (solver.improve_search), when it is better by the validator.
    Its model objective is the engine's shifted by the validator's improvement (the model rounds the
    per-officer figures up to its resolution; the shift keeps the plan on the bound's scale).
    `before` is the validator's objective of `best`."""
    evals = int(IMPROVE_EVALS_PER_S * IMPROVE_SHARE * total_s) if sub.params.deterministic else None
    plan = improve_plan(sub, best.plan(), float("inf") if evals is not None else deadline, max_evals=evals,
                        seed=sub.params.seed)
    after = validate_plan(sub, plan)
    if after.violations or after.objective >= before - 1e-9:
        return best
    objective = None if best.objective is None else best.objective - (before - after.objective)
    return best.model_copy(update={"assignments": plan, "objective": objective, "terms": {},
                                   "method": f"{best.method}+local_search"})


def solve_pool(sub: AssignmentInstance, time_limit_s: float, hint: Mapping[str, str] | None = None,
               until: float | None = None) -> PoolResult:
    """Solve one pool: LP, rounding and CP-SAT next to the LP point first (fast, with a proven
    bound); then, when the pool is small enough, CP-SAT on the whole pool in the time left; the
    marginal greedy plan is a third candidate; the validator's objective picks the plan, and the
    best bound is kept. On pools up to `highs_max_vars` pairs HiGHS searches the same model in a
    thread the whole time (solver.portfolio): its plan is one more candidate, its bound counts,
    and either engine stops once the best plan of the two meets the best bound of the two. The plan
    improver (solver.improve_search) then polishes the best plan, never past `until` (perf_counter:
    the whole solve's end)."""
    started = time.perf_counter()
    p = sub.params
    total_s, time_limit_s = time_limit_s, (1.0 - IMPROVE_SHARE) * time_limit_s
    size = sum(len(k.candidates) for k in sub.classes)
    small = size <= p.cpsat_max_vars
    race = Race()
    side = HighsRace(sub, race) if size <= p.highs_max_vars and not p.deterministic and sub.classes else None
    if side is not None:
        side.start(0.97 * time_limit_s - (time.perf_counter() - started))
    # next to the LP point first (cheap, often most of the gain), the whole pool after that; on a
    # small pool the rounded LP plan alone, then CP-SAT on the whole pool at once
    direct = size <= min(DIRECT_MAX_PAIRS, p.cpsat_max_vars)
    first = solve_pool_lp(sub, budget_s=0.0 if direct else 0.3 * time_limit_s if small else time_limit_s, race=race)
    results = [first]
    remaining = time_limit_s - (0.4 * time_limit_s if p.deterministic else time.perf_counter() - started)
    if small and remaining > 0.05 and not first.proven() and not race.settled() and not stop_requested():
        results.append(_whole_pool(sub, remaining, hint, race if side is not None else None))
    if side is not None:
        results.append(side.result())
    # the validator, not the model, picks the plan: a guard against any model/validator drift
    greedy, left = greedy_assign(sub, rule="marginal")
    candidates = [r for r in results if r.assignments is not None]
    scores = [validate_plan(sub, r.plan()).objective for r in candidates]
    scores.append(validate_plan(sub, greedy).objective)
    candidates.append(PoolResult(status="GREEDY", method="greedy", assignments=greedy, unplaced=list(left),
                                 objective=scores[-1]))
    best_score, picked = min(zip(scores, candidates, strict=True), key=lambda sc: sc[0])
    best = picked
    bounded = [r for r in results if r.bound is not None]
    strongest = max(bounded, key=lambda r: r.bound or 0.0) if bounded else None
    # the improver's share even when the engines overran theirs (solve() gives the later pools less)
    deadline = max(started + total_s, time.perf_counter() + IMPROVE_SHARE * total_s)
    deadline = deadline if until is None or p.deterministic else min(deadline, until)
    if not is_proven(best.objective, strongest.bound if strongest else None) and not stop_requested() and \
            (p.deterministic or deadline > time.perf_counter()):
        best = _improved(sub, best, best_score, deadline, total_s)
    update: dict[str, Any] = {"pool": sub.pools[0].id if sub.pools else "",
                              "engines": {r.method or "": r.status for r in results}}
    if len(candidates) == 1:  # greedy's plan alone (perhaps improved): no engine found one
        update["fallback"] = "greedy"
    if strongest is not None and best.objective is not None:
        update.update(bound=strongest.bound, bound_by=strongest.bound_by)
        if is_proven(best.objective, strongest.bound):
            update["status"] = "OPTIMAL"
    # the other plans this run found, as points: the efficiency check (solver.efficiency) compares
    update["found_points"] = [pt for r in candidates if r is not picked
                              for pt in plan_points(sub, r.plan(), label=r.method or "")]
    update["time_s"] = time.perf_counter() - started
    return best.model_copy(update=update)
