"""The greedy baseline: each case to the least-loaded legal court with room (total load per officer).

It is the benchmark's comparison, the warm start for CP-SAT, and the fallback when a
subproblem finds no solution in its time limit. Debtor groups go first and whole, to the
least-loaded court legal for every member; a group no single court can take is split.
"""

from __future__ import annotations

from collections import defaultdict

from solver.instance import AssignmentInstance, DemandClass
from solver.weights import BACKLOG_WEIGHT, WEIGHT_SCALE


def greedy_assign(inst: AssignmentInstance) -> tuple[dict[str, str], dict[str, str]]:
    """(case_no -> court, case_no -> constraint family that left it unplaced)."""
    load = {code: c.fixed_load for code, c in inst.courts.items()}
    limit = {code: c.capacity for code, c in inst.courts.items()}
    assign: dict[str, str] = {}
    unplaced: dict[str, str] = dict(inst.infeasible)
    for d in inst.demands:
        if d.pool is None:
            assign[d.case_no] = d.forum
    for k in inst.classes:  # accepted transfers first: they never move
        if k.pinned is not None:
            for no in k.case_nos:
                assign[no] = k.pinned
                load[k.pinned] += k.weight
    for code in limit:
        limit[code] = max(limit[code], load[code])

    def utilisation(code: str, extra: int) -> tuple[float, float]:
        c = inst.courts[code]
        total = c.open_cases * BACKLOG_WEIGHT + (load[code] + extra) / WEIGHT_SCALE
        return total / max(c.staff, 1), (load[code] + extra) / max(c.staff, 1)

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
            best = min(room, key=lambda c: (utilisation(c, weight), km[c], c))
            for k in members:
                for no in k.case_nos:
                    assign[no] = best
            load[best] += weight
        else:
            singles.extend(members)
    cases = [(k, no) for k in singles for no in k.case_nos]
    cases.sort(key=lambda kn: (-kn[0].weight, kn[1]))
    for k, no in cases:
        room = [i for i, c in enumerate(k.candidates) if load[c] + k.weight <= limit[c]]
        if not room:
            unplaced[no] = "hard.capacity"
            continue
        i = min(room, key=lambda i: (utilisation(k.candidates[i], k.weight), k.km[i], k.candidates[i]))
        assign[no] = k.candidates[i]
        load[k.candidates[i]] += k.weight
    return assign, unplaced
