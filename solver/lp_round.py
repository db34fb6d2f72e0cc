"""LP relaxation, rounded: the large-pool solver.

Measured on a 20,000-case Sichuan batch, CP-SAT on the largest pool (1,136 classes x ~19
courts) found nothing better than greedy in 10 s, hinted or not, while the LP relaxation
(GLOP) solves in about a second and is almost integral (the model is a transportation
problem plus balance rows). So large pools are solved by: LP -> floor each class's counts
-> place the remaining cases where the LP put most of them (debtor groups kept whole where
one court can take them) -> exact model objective of the rounded plan by re-solving the
LP with the counts fixed. The LP optimum is the pool's lower bound, so the gap is proven.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ortools.linear_solver import pywraplp

from solver.constraints import REGISTRY
from solver.greedy import _marginal
from solver.instance import AssignmentInstance
from solver.results import PoolResult
from solver.validate import validate_plan
from solver.variables import OBJ_SCALE, LpBackend, ModelContext

if TYPE_CHECKING:
    from solver.portfolio import Race


def lp_model(sub: AssignmentInstance, backend: LpBackend | None = None) -> tuple[LpBackend, ModelContext]:
    """Every registry unit plus the unplaced penalty, minimised on a pywraplp backend: GLOP's LP
    here; bench/solver_pools.py passes an integer twin to hand the same model to HiGHS."""
    backend = backend or LpBackend()
    ctx = ModelContext(backend, sub, sub.params)
    terms = [u.build(ctx) for u in REGISTRY]
    penalty = sub.params.unplaced_penalty * OBJ_SCALE
    terms.append(backend.dot(list(ctx.vars.unplaced.values()), [penalty] * len(ctx.vars.unplaced)))
    backend.minimize(sum(terms))
    return backend, ctx


def solve_pool_lp(sub: AssignmentInstance, budget_s: float = 0.0, race: Race | None = None) -> PoolResult:
    """Status, assignment, objective and the LP bound, like `solver.model.TransferModel.solve`.

    With `budget_s` > 0, CP-SAT then searches, in the rest of that budget, the integer points next to the LP optimum
    (each count between the floor and the ceiling of its LP value, RINS-style): a small model
    that CP-SAT solves quickly, kept when it beats the rounding. `race` (solver.portfolio) learns
    the LP bound and every plan found here.
    """
    started = time.perf_counter()
    backend, ctx = lp_model(sub)
    size = {"classes": len(sub.classes), "variables": len(ctx.vars.x)}
    if backend.solver.Solve() != pywraplp.Solver.OPTIMAL:
        return PoolResult(status="LP_FAILED", time_s=time.perf_counter() - started, **size)
    bound = backend.solver.Objective().Value() / OBJ_SCALE
    frac = {key: var.solution_value() for key, var in ctx.vars.x.items()}
    # two ways to place what flooring leaves; the validator keeps the better one
    options = [_round(sub, frac, by_cost=False), _round(sub, frac, by_cost=True)]
    counts = min(options, key=lambda cs: validate_plan(sub, ctx.vars.extract(
        {ctx.vars.x[key]: cs.get(key, 0) for key in ctx.vars.x})[0]).objective)
    for (cid, court), var in ctx.vars.x.items():  # the rounded plan's exact objective
        var.SetBounds(counts.get((cid, court), 0), counts.get((cid, court), 0))
    for k in sub.classes:
        rest = len(k.case_nos) - sum(counts.get((k.id, c), 0) for c in k.candidates)
        ctx.vars.unplaced[k.id].SetBounds(rest, rest)
    backend.solver.Solve()
    objective = backend.solver.Objective().Value() / OBJ_SCALE
    assign, left = ctx.vars.extract({ctx.vars.x[key]: counts.get(key, 0) for key in ctx.vars.x})
    out = PoolResult(status="FEASIBLE", method="lp_round", **size, assignments=assign, unplaced=left,
                     objective=objective, bound=bound, bound_by="lp")
    if race is not None:
        race.bounded(bound)
        race.found(objective, {key: counts.get(key, 0) for key in ctx.vars.x})
    if budget_s > 0:
        out = _neighbourhoods(sub, frac, out, started, budget_s, race)
    return out.model_copy(update={"status": "OPTIMAL" if out.proven() else out.status,
                                  "time_s": time.perf_counter() - started})


# (widen each count by, also courts the LP left empty): each stage a larger CP-SAT neighbourhood
STAGES = ((0, False), (1, False), (1, True))
SHARE = (0.5, 0.5, 1.0)  # of the time left; the first stage matters most on large pools


def _neighbourhoods(sub: AssignmentInstance, frac: dict[tuple[str, str], float], out: PoolResult,
                    started: float, budget_s: float, race: Race | None = None) -> PoolResult:
    """CP-SAT over integer points next to the LP optimum, in growing neighbourhoods (RINS-style):
    counts between floor - w and ceiling + w of their LP values. Measured on a 7,432-pair pool:
    floor..ceiling 6,441.7, +-1 on the LP's support 6,421.5, +-1 everywhere 6,362.4 (bound 6,331.3)."""
    from solver.model import TransferModel

    size = {k.id: len(k.case_nos) for k in sub.classes}
    for i, (widen, everywhere) in enumerate(STAGES):
        if out.proven() or (race is not None and race.settled()):
            break
        if sub.params.deterministic:
            left_s = 0.6 * budget_s * SHARE[i] / sum(SHARE)
        else:
            left_s = (budget_s - (time.perf_counter() - started)) * SHARE[i]
        if left_s < 0.05:
            break
        model = TransferModel(sub)
        model.restrict({key: (max(0, math.floor(v + 1e-6) - widen), min(size[key[0]], math.ceil(v - 1e-6) + widen))
                        for key, v in frac.items() if everywhere or v > 1e-6})
        # a neighbourhood's bound holds only inside it: the race hears its plans, not its bound
        near = model.solve(left_s)
        if near.assignments is not None and near.objective is not None and out.objective is not None \
                and near.objective < out.objective - 1e-6:
            out = out.model_copy(update={"assignments": near.assignments, "unplaced": near.unplaced,
                                         "objective": near.objective, "method": f"lp_round+neighbourhood{i + 1}"})
            if race is not None:
                race.found(near.objective, model.vars.counts(near.assignments))
    return out


def _round(sub: AssignmentInstance, frac: dict[tuple[str, str], float], by_cost: bool) -> dict[tuple[str, str], int]:
    """Floor every count, then place the rest where the LP leaned most (or, `by_cost`, where it
    adds least to the objective), within capacity."""
    eps = 1e-6
    counts: dict[tuple[str, str], int] = {}
    load = {code: c.fixed_load for code, c in sub.courts.items()}
    limit = {code: c.capacity for code, c in sub.courts.items()}
    weight = {k.id: k.weight for k in sub.classes}
    for k in sub.classes:
        if k.pinned is not None:
            limit[k.pinned] = max(limit[k.pinned], load[k.pinned] + k.weight * len(k.case_nos) + sum(
                kk.weight * len(kk.case_nos) for kk in sub.classes if kk.pinned == k.pinned and kk.id != k.id))
    groups: dict[str, list[str]] = defaultdict(list)
    for k in sub.classes:
        if k.group:
            groups[k.group].append(k.id)
    for k in sub.classes:
        if k.group:
            continue
        for c in k.candidates:
            n = math.floor(frac[(k.id, c)] + eps)
            if n:
                counts[(k.id, c)] = n
                load[c] += n * k.weight
    # by cost: a court with few officers must not take a heavy case (or a whole debtor group)
    # just because the LP held a fraction of it there; the LP's leaning breaks ties
    cost, placed = _marginal(sub, load)
    for code in load:
        placed(code)
    # debtor groups whole, on a court legal for all with room: where the LP holds most of the
    # group, or (by_cost) where the group adds least
    by_id = {k.id: k for k in sub.classes}
    for members in groups.values():
        classes = [by_id[m] for m in members]
        common = set.intersection(*(set(k.candidates) for k in classes))
        need = sum(k.weight * len(k.case_nos) for k in classes)

        def order(c: str, classes: list[Any] = classes, need: int = need) -> tuple[float, float, str]:
            km = sum(k.km[k.candidates.index(c)] * len(k.case_nos) for k in classes)
            lean = -sum(frac.get((k.id, c), 0.0) for k in classes)
            return (cost(c, need, km) if by_cost else 0.0, lean, c)

        court = next((c for c in sorted(common, key=order) if load[c] + need <= limit[c]), None)
        for k in classes:
            if court is not None:
                counts[(k.id, court)] = len(k.case_nos)
                load[court] += k.weight * len(k.case_nos)
                placed(court)
                continue
            for _ in range(len(k.case_nos)):
                options = sorted(k.candidates, key=lambda c: (-frac[(k.id, c)], c))
                pick = next((c for c in options if load[c] + k.weight <= limit[c]), None)
                if pick is not None:
                    counts[(k.id, pick)] = counts.get((k.id, pick), 0) + 1
                    load[pick] += k.weight
    rest = []
    for k in sub.classes:
        if k.group:
            continue
        left = len(k.case_nos) - sum(counts.get((k.id, c), 0) for c in k.candidates)
        rest += [(k, left)] if left > 0 else []
    rest.sort(key=lambda kl: -weight[kl[0].id])
    for k, left in rest:
        for _ in range(left):
            room = [i for i, c in enumerate(k.candidates) if load[c] + k.weight <= limit[c]]
            if not room:
                break
            i = min(room, key=lambda i: (cost(k.candidates[i], k.weight, k.km[i]) if by_cost else 0.0,
                                         -(frac[(k.id, k.candidates[i])] - counts.get((k.id, k.candidates[i]), 0)),
                                         k.candidates[i]))
            pick = k.candidates[i]
            counts[(k.id, pick)] = counts.get((k.id, pick), 0) + 1
            load[pick] += k.weight
            placed(pick)
    return counts
