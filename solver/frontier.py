"""The frontier of efficient plans per pool: most balanced to least travel (issue 18).

Two criteria (see `solver.frontier_types`): W, the pool's worst received weighted transfers
per officer, and km, the travel to the debtors' domiciles and main assets. Method:
ε-constraint on W over the model's own variables and hard units (`ModelContext`):

1. *most balanced*: least W, then least km at that W (one lexicographic objective), CP-SAT
   (the min-max part is where CP-SAT's search does best; greedy's plan when it finds none);
2. *least travel*: least km, then least W at that km;
3. between them, caps ε spaced evenly on W from the most balanced W; at each, least km with
   W ≤ ε, then least W, so every proven point is non-dominated.

W ≤ ε is a per-court cap (W·officers ≥ load), so each ε point is a capacity-limited
transportation problem: HiGHS (`solver.highs`) proves most of them in 0.1-1.3 s on the
2,000-case Sichuan batch where CP-SAT often leaves them open (measured); `engine="cp_sat"`
keeps CP-SAT for comparison. Each point carries the proven lower bound on km at its ε
(`km_bound`): no plan with W ≤ ε travels less. Cases are placed whenever capacity allows (an
unplaced case costs more than any km). Other terms (spread, total load, churn, debtor groups)
are reported, not optimised here: a chosen point becomes a plan through a policy.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from solver.constraints import REGISTRY, Level
from solver.efficiency import dominance_defects
from solver.frontier_types import EpsilonPlan, Frontier, FrontierPoint, PointKind
from solver.greedy import greedy_assign
from solver.highs import MipBackend, run_highs
from solver.instance import AssignmentInstance
from solver.lp_round import solve_pool_lp
from solver.model import search_workers
from solver.points import plan_points
from solver.policy import Policy, policy_weights
from solver.stop import watched
from solver.variables import BURDEN_RES, CpSatBackend, LpBackend, ModelContext
from solver.weights import WEIGHT_SCALE

W_UNIT = WEIGHT_SCALE * BURDEN_RES  # model units of W per weighted transfer per officer
BALANCED_SHARE = 0.4  # of a pool's time to the most balanced search (the hard min-max part)


class EpsilonModel:
    """One pool's hard model plus W (worst per officer, model units) and km, on one backend."""

    def __init__(self, sub: AssignmentInstance, backend: CpSatBackend | LpBackend) -> None:
        self.sub = sub
        self.backend = backend
        self.ctx = ModelContext(backend, sub, sub.params)
        for unit in REGISTRY:
            if unit.level == Level.HARD:
                unit.build(self.ctx)
        pool = sub.pools[0]
        courts = [sub.courts[c] for c in pool.courts if sub.courts[c].staff > 0]
        top = [max(c.capacity, c.fixed_load + self.ctx.vars.pinned_load(c.code)) for c in courts]
        self.w_max = max((-(-BURDEN_RES * t // c.staff) for t, c in zip(top, courts, strict=True)), default=0)
        self.w = backend.int_var(0, self.w_max, "W")
        for c in courts:
            backend.add(backend.dot([self.w], [c.staff]) >= self.ctx.load(c.code) * BURDEN_RES)
        terms, coefs = [], []
        for k in sub.classes:
            for court, km in zip(k.candidates, k.km, strict=True):
                if km:
                    terms.append(self.ctx.vars.x[(k.id, court)])
                    coefs.append(km)
        self.km = backend.dot(terms, coefs)
        self.km_max = sum(len(k.case_nos) * max(k.km) for k in sub.classes)
        self.left = backend.dot(list(self.ctx.vars.unplaced.values()), [1] * len(self.ctx.vars.unplaced))
        self.scale = (self.km_max + 1) * (self.w_max + 1) + 1  # one unplaced case outweighs everything else

    def objective(self, balanced: bool) -> Any:
        """Lexicographic by scaling: the second criterion can never pay for one unit of the first."""
        w = self.backend.dot([self.w], [1])
        inner = w * (self.km_max + 1) + self.km if balanced else self.km * (self.w_max + 1) + w
        return self.left * self.scale + inner

    def result(self, values: Mapping[Any, float], status: str, time_s: float, bound: float | None,
               epsilon: int | None, balanced: bool) -> EpsilonPlan:
        assign, unplaced = self.ctx.vars.extract(values)
        out = EpsilonPlan(status=status, time_s=time_s, assignments=assign, unplaced=unplaced, w=round(values[self.w]))
        if balanced or bound is None or not math.isfinite(bound) or unplaced:
            return out
        # for every plan placing all cases, W <= min(ε, w_max) and its objective >= bound, so
        # km >= (bound - that W) / (w_max + 1); a plan leaving cases unplaced gets no km bound
        cap = self.w_max if epsilon is None else min(epsilon, self.w_max)
        return replace(out, km_bound=max(0, math.ceil((bound - cap) / (self.w_max + 1) - 1e-6)))


def _solve_cpsat(m: EpsilonModel, *, balanced: bool, epsilon: int | None, time_limit_s: float) -> EpsilonPlan:
    assert isinstance(m.backend, CpSatBackend)
    model = m.backend.model.clone()
    if epsilon is not None:
        model.add(m.w <= epsilon)
    model.minimize(m.objective(balanced))
    solver = cp_model.CpSolver()
    p = m.sub.params
    solver.parameters.random_seed = p.seed
    solver.parameters.linearization_level = 2
    solver.parameters.num_workers = search_workers(p)
    if p.deterministic:
        solver.parameters.max_deterministic_time = time_limit_s
    else:
        solver.parameters.max_time_in_seconds = time_limit_s
    started = time.perf_counter()
    with watched(solver):
        code = solver.solve(model)
    elapsed = time.perf_counter() - started
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return EpsilonPlan(status=solver.status_name(code), time_s=elapsed)
    values = {v: solver.value(v) for v in [*m.ctx.vars.x.values(), m.w]}
    return m.result(values, solver.status_name(code), elapsed, solver.best_objective_bound, epsilon, balanced)


def _solve_highs(m: EpsilonModel, *, epsilon: int | None, time_limit_s: float,
                 start: Mapping[str, str] | None = None) -> EpsilonPlan:
    assert isinstance(m.backend, MipBackend)
    m.w.SetUb(m.w_max if epsilon is None else min(epsilon, m.w_max))
    m.backend.minimize(m.objective(False))
    r = run_highs(m.backend.solver, time_limit_s, start=None if start is None else _start(m, start))
    if r.objective is None:
        return EpsilonPlan(status=r.status, time_s=r.time_s)
    values = {v: r.values[v.index()] for v in [*m.ctx.vars.x.values(), m.w]}
    return m.result(values, r.status, r.time_s, r.bound, epsilon, False)


def _most_balanced(sub: AssignmentInstance, cp: EpsilonModel, time_limit_s: float) -> EpsilonPlan:
    """The least W found: the LP-and-round plan under the balanced policy's weights (the solver's
    own large-pool path, fast and near the LP's min-max), or CP-SAT's lexicographic search if it
    finds a smaller W (or the same W with less travel) in the same time."""
    balanced = sub.model_copy(update={"params": sub.params.model_copy(
        update={"policy": Policy.BALANCED, "weights": policy_weights(Policy.BALANCED)})})
    started = time.perf_counter()
    # on pools above cpsat_max_vars CP-SAT finds nothing useful in seconds (solver/README): all to the LP path
    large = sum(len(k.candidates) for k in sub.classes) > sub.params.cpsat_max_vars
    rounded = solve_pool_lp(balanced, budget_s=(1.0 if large else 0.5) * time_limit_s)
    options: list[EpsilonPlan] = []
    if rounded.assignments is not None and not rounded.unplaced:
        options.append(EpsilonPlan(status="LP_ROUND", time_s=time.perf_counter() - started,
                                   assignments=rounded.assignments, w=_model_w(sub, rounded.assignments)))
    searched = None if large and options else _solve_cpsat(
        cp, balanced=True, epsilon=None, time_limit_s=max(0.05, time_limit_s - (time.perf_counter() - started)))
    if searched is not None and searched.assignments is not None:
        options.append(searched)
    if not options:  # neither in time: the marginal greedy under the balanced weights
        greedy, left = greedy_assign(balanced, rule="marginal")
        options.append(EpsilonPlan(status="GREEDY", time_s=time.perf_counter() - started, assignments=greedy,
                                   unplaced=list(left), w=_model_w(sub, greedy)))
    km = {id(o): sum(p.km_total for p in plan_points(sub, o.plan())) for o in options}
    return min(options, key=lambda o: (len(o.unplaced), o.w, km[id(o)]))


def _start(m: EpsilonModel, assignments: Mapping[str, str]) -> list[float]:
    """A plan as a value per variable of the HiGHS container (a MIP start)."""
    assert isinstance(m.backend, MipBackend)
    values = [0.0] * m.backend.solver.NumVariables()
    for k in m.sub.classes:
        counts = Counter(assignments.get(no) for no in k.case_nos)
        placed = 0
        for court in k.candidates:
            values[m.ctx.vars.x[(k.id, court)].index()] = counts.get(court, 0)
            placed += counts.get(court, 0)
        values[m.ctx.vars.unplaced[k.id].index()] = len(k.case_nos) - placed
    values[m.w.index()] = _model_w(m.sub, assignments)
    return values


def pool_frontier(inst: AssignmentInstance, pool_id: str, *, points: int = 5, time_limit_s: float = 5.0,
                  engine: str = "highs", placed: Mapping[str, str] | None = None) -> list[FrontierPoint]:
    """Up to `points` efficient plans of one pool, most balanced first (duplicates dropped);
    `placed` (a plan's assignments) fixes the other pools' load on shared courts."""
    if points < 2:
        raise ValueError("a frontier needs at least 2 points")
    sub = inst.subinstance(pool_id, placed)
    if not sub.classes:
        return []
    started = time.perf_counter()
    cp = EpsilonModel(sub, CpSatBackend())
    first = _most_balanced(sub, cp, BALANCED_SHARE * time_limit_s)
    eps_model = EpsilonModel(sub, MipBackend()) if engine == "highs" else cp
    lp = _LpBound(sub)
    solves_left = points

    def at(epsilon: int | None, start: EpsilonPlan) -> EpsilonPlan:
        """Least km with W <= epsilon, in the time left shared by the solves left; `start` is a plan
        feasible at epsilon, kept when the engine returns none or one that places fewer cases."""
        nonlocal solves_left
        budget = max(0.05, (time_limit_s - (time.perf_counter() - started)) / solves_left)
        solves_left -= 1
        if engine == "highs":
            r = _solve_highs(eps_model, epsilon=epsilon, time_limit_s=budget, start=start.plan())
        else:
            r = _solve_cpsat(eps_model, balanced=False, epsilon=epsilon, time_limit_s=budget)
        if r.assignments is None or len(r.unplaced) > len(start.unplaced):
            # the start's own km bound holds at its smaller ε only: not carried over
            r = replace(start, status="START", time_s=r.time_s, km_bound=r.km_bound)
        if r.km_bound is None and not r.unplaced:  # the engine proved nothing in time: the LP bound
            r = replace(r, km_bound=lp.km_bound(epsilon))
        return r

    last = at(None, first)
    lo, hi = first.w, max(first.w, last.w)
    found: list[tuple[int | None, str, EpsilonPlan]] = []
    previous = first
    for i in range(points - 1):  # ε = lo (the most balanced point, with its km bound), then the steps up
        eps = lo + round(i * (hi - lo) / (points - 1))
        if i and not lo < eps < hi:
            continue
        r = at(eps, previous)  # a plan feasible at a smaller ε is feasible here
        found.append((eps, "most balanced" if i == 0 else f"W ≤ {eps / W_UNIT:.3f}", r))
        previous = r
    found.append((None, "least travel", last))
    return _points(sub, found)


class _LpBound:
    """The LP relaxation of the ε-problem (GLOP): a km bound for a point whose engine proved none."""

    def __init__(self, sub: AssignmentInstance) -> None:
        self.sub = sub
        self.model: EpsilonModel | None = None

    def km_bound(self, epsilon: int | None) -> int | None:
        if self.model is None:
            self.model = EpsilonModel(self.sub, LpBackend())
        m = self.model
        assert isinstance(m.backend, LpBackend)
        cap = m.w_max if epsilon is None else min(epsilon, m.w_max)
        m.w.SetUb(cap)
        m.backend.minimize(m.objective(False))
        if m.backend.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        # as in EpsilonModel.result: every all-placed plan has objective >= the LP's optimum
        return max(0, int(math.ceil((m.backend.solver.Objective().Value() - cap) / (m.w_max + 1) - 1e-6)))


def _model_w(sub: AssignmentInstance, assignments: Mapping[str, str]) -> int:
    """W of a plan in model units (the least W with staff·W >= RES·load at every court)."""
    load = {c: sub.courts[c].fixed_load for c in sub.pools[0].courts}
    weight = {no: k.weight for k in sub.classes for no in k.case_nos}
    for no, court in assignments.items():
        if no in weight and court in load:
            load[court] += weight[no]
    return max((-(-BURDEN_RES * w // sub.courts[c].staff) for c, w in load.items() if sub.courts[c].staff > 0),
               default=0)


def _points(sub: AssignmentInstance, found: list[tuple[int | None, str, EpsilonPlan]]) -> list[FrontierPoint]:
    out: list[FrontierPoint] = []
    seen: set[tuple[float, int]] = set()
    for eps, label, r in found:
        figures = plan_points(sub, r.plan(), kind=PointKind.FRONTIER, label=label)[0]
        key = (figures.worst_per_officer, figures.km_total)
        if key in seen:
            continue
        seen.add(key)
        out.append(figures.model_copy(update={
            "epsilon": None if eps is None else eps / W_UNIT, "km_bound": r.km_bound,
            "status": r.status, "time_s": round(r.time_s, 3)}))
    return out


def forum_frontier(inst: AssignmentInstance, forum: str, *, points: int = 5, time_limit_s: float = 10.0,
                   plan_assignments: Mapping[str, str] | None = None, plan_id: str | None = None,
                   as_of: str | None = None, engine: str = "highs") -> Frontier:
    """The frontier of every pool of `forum` (time shared by cases), with the plan's own points marked."""
    started = time.perf_counter()
    pools = [p for p in frontier_pools(inst) if p.split(":")[0] == forum]
    sizes = {p: sum(len(k.case_nos) for k in inst.classes if k.pool == p) for p in pools}
    total = sum(sizes.values()) or 1
    found: list[FrontierPoint] = []
    for p in pools:
        found += pool_frontier(inst, p, points=points, time_limit_s=max(0.2, time_limit_s * sizes[p] / total),
                               engine=engine, placed=plan_assignments)
    mine = plan_points(inst, plan_assignments, pools=pools, label="plan") if plan_assignments is not None else []
    return Frontier(forum=forum, as_of=as_of, plan_id=plan_id, points=found, plan=mine,
                    defects=dominance_defects(mine, found), time_s=round(time.perf_counter() - started, 3))


def frontier_pools(inst: AssignmentInstance) -> Sequence[str]:
    """Every pool with something to place, largest first."""
    sizes = {p.id: sum(len(k.case_nos) for k in inst.classes if k.pool == p.id) for p in inst.pools}
    return sorted((p for p, n in sizes.items() if n), key=lambda p: (-sizes[p], p))
