"""Greedy placement: the benchmark's baseline, CP-SAT's warm start, and the fallback.

Two rules, the same procedure (accepted transfers first, then debtor groups whole, then
single cases heaviest first, each to the best legal court with room):

- `least_loaded` (the baseline): the court with the lowest total load per officer after
  placing, i.e. what a dispatcher without the solver would do;
- `marginal` (the warm start): the court where the case adds the least to the objective's
  terms, each approximated from the loads placed so far.

A group no single court can take whole is split into single cases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from solver.instance import AssignmentInstance, DemandClass
from solver.weights import BACKLOG_WEIGHT, WEIGHT_SCALE


def greedy_assign(inst: AssignmentInstance, rule: str = "least_loaded") -> tuple[dict[str, str], dict[str, str]]:
    """(case_no -> court, case_no -> constraint family that left it unplaced)."""
    load = {code: c.fixed_load for code, c in inst.courts.items()}
    limit = {code: c.capacity for code, c in inst.courts.items()}
    assign: dict[str, str] = {d.case_no: d.forum for d in inst.demands if d.pool is None}
    unplaced: dict[str, str] = dict(inst.infeasible)
    for k in inst.classes:  # accepted transfers first: they never move
        if k.pinned is not None:
            for no in k.case_nos:
                assign[no] = k.pinned
                load[k.pinned] += k.weight
    for code in limit:
        limit[code] = max(limit[code], load[code])
    cost: Cost
    placed: Callable[[str], None]
    cost, placed = _least_loaded(inst, load) if rule == "least_loaded" else _marginal(inst, load)
    groups: dict[str, list[DemandClass]] = defaultdict(list)
    singles: list[DemandClass] = []
    for k in inst.classes:
        if k.pinned is None:
            (groups[k.group] if k.group else singles).append(k)
    for _, members in sorted(groups.items(), key=lambda g: -sum(k.weight * len(k.case_nos) for k in g[1])):
        weight = sum(k.weight * len(k.case_nos) for k in members)
        common = set.intersection(*(set(k.candidates) for k in members))
        room = [c for c in sorted(common) if load[c] + weight <= limit[c]]
        if room:
            km = {c: sum(k.km[k.candidates.index(c)] * len(k.case_nos) for k in members) for c in room}
            best = min(room, key=lambda c: (cost(c, weight, km[c]), c))
            for k in members:
                for no in k.case_nos:
                    assign[no] = best
            load[best] += weight
            placed(best)
        else:
            singles.extend(members)
    cases = [(k, no) for k in singles for no in k.case_nos]
    cases.sort(key=lambda kn: (-kn[0].weight, kn[1]))
    for k, no in cases:
        fits = [i for i, c in enumerate(k.candidates) if load[c] + k.weight <= limit[c]]
        if not fits:
            unplaced[no] = "hard.capacity"
            continue
        i = min(fits, key=lambda i: (cost(k.candidates[i], k.weight, k.km[i]), k.candidates[i]))
        assign[no] = k.candidates[i]
        load[k.candidates[i]] += k.weight
        placed(k.candidates[i])
    return assign, unplaced


LexCost = Callable[[str, int, int], tuple[float, ...]]  # least_loaded: compared term by term
PointsCost = Callable[[str, int, int], float]  # marginal: objective points
Cost = LexCost | PointsCost


def _least_loaded(inst: AssignmentInstance, load: dict[str, int]) -> tuple[LexCost, Callable[[str], None]]:
    def cost(code: str, extra: int, km: int) -> tuple[float, ...]:
        c = inst.courts[code]
        total = c.open_cases * BACKLOG_WEIGHT + (load[code] + extra) / WEIGHT_SCALE
        return total / max(c.staff, 1), (load[code] + extra) / max(c.staff, 1), km

    return cost, lambda code: None


def _marginal(inst: AssignmentInstance, load: dict[str, int]) -> tuple[PointsCost, Callable[[str], None]]:
    p = inst.params
    pool_of = {c: pool.id for pool in inst.pools for c in pool.courts}
    share_t: dict[str, float] = {}
    share_b: dict[str, float] = {}
    worst: dict[str, float] = defaultdict(float)
    for pool in inst.pools:
        courts = [inst.courts[c] for c in pool.courts if inst.courts[c].staff > 0]
        staff = sum(c.staff for c in courts) or 1
        to_place = sum(k.weight * len(k.case_nos) for k in inst.classes if k.pool == pool.id)
        fixed = sum(c.fixed_load for c in courts)
        backlog = sum(c.open_cases * BACKLOG_WEIGHT * WEIGHT_SCALE for c in courts)
        for c in courts:
            share_t[c.code] = c.staff * (to_place + fixed) / staff
            share_b[c.code] = c.staff * (to_place + fixed + backlog) / staff
            worst[pool.id] = max(worst[pool.id], c.fixed_load / c.staff)
    w_t, w_b = p.weight("soft.transfer_burden_balance"), p.weight("soft.total_load_balance")

    def cost(code: str, extra: int, km: int) -> float:
        c = inst.courts[code]
        if c.staff <= 0:
            return float("inf")
        before, after = load[code], load[code] + extra
        backlog = c.open_cases * BACKLOG_WEIGHT * WEIGHT_SCALE
        pool = pool_of.get(code, "")
        rise = max(0.0, after / c.staff - worst[pool]) / WEIGHT_SCALE
        over_t = (max(0.0, after - share_t.get(code, 0)) - max(0.0, before - share_t.get(code, 0))) / WEIGHT_SCALE
        over_b = (max(0.0, after + backlog - share_b.get(code, 0)) - max(0.0, before + backlog - share_b.get(code, 0)))
        return (w_t * (rise + p.transfer_spread_ratio * over_t) + w_b * p.total_spread_ratio * over_b / WEIGHT_SCALE
                + p.weight("soft.distance") * km)

    def placed(code: str) -> None:
        pool = pool_of.get(code, "")
        worst[pool] = max(worst[pool], load[code] / max(inst.courts[code].staff, 1))

    return cost, placed
