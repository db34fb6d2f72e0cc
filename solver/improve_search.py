"""The plan improver: a local search over placement-group moves, single-case moves and pairwise swaps
with exact deltas (`solver.improve.PlanState`), until no move improves or the deadline passes.

Neighbourhoods, in this order each sweep:
- a debtor group (its linked cases) moves whole to one court legal for all of them;
- one case moves to another legal court (a group member alone too: the split is priced);
- two cases on different courts swap courts (each court legal for the other's case): what a full
  court needs, and what moves load between two courts by the difference of two weights.
- where several courts tie at a pool's worst figure (no single move or swap lowers the max): for each
  tied court its cheapest move or swap off it, all together as one compound move.
A move is taken when it lowers the objective, or leaves it unchanged and lowers Σ (transfers per
officer)² over its courts: on a plateau of the worst figure this moves load off the tied courts
until one more move lowers the max. Both strictly decrease a bounded
quantity, so the search ends. The caller validates the result (the validator is the judge).
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence

from solver.improve import Move, PlanState
from solver.instance import AssignmentInstance

# in deterministic mode the search's budget is a number of move evaluations, not the wall clock:
# about what a second buys on the 2-core machine (measured on the 2,000-case batch's pools)
IMPROVE_EVALS_PER_S = 40_000
KICK_PATIENCE = 200  # kicks in a row without a better plan before the search gives up
KICK_MOVES = (2, 5)  # random moves per kick, at least and at most
EPS = 1e-7  # points: below any real change of the objective (km cost 0.02, balance 1/staff hundredths)


def improve_plan(inst: AssignmentInstance, assignments: Mapping[str, str], deadline: float,
                 max_evals: int | None = None, seed: int = 0) -> dict[str, str]:
    """A plan at least as good as `assignments` (the validator's objective): local search to a local
    optimum, then kicks (a few random legal moves) each followed by the local search again, keeping
    the best plan, until `deadline` (time.perf_counter()), `max_evals` move evaluations (deterministic
    with the seed) or KICK_PATIENCE kicks in a row without a better plan."""
    search = _Search(PlanState(inst, assignments), deadline, max_evals)
    search.run()
    best, best_value = search.s.assignments(), search.value
    rng = random.Random(seed)
    idle = 0
    while idle < KICK_PATIENCE and not search.late():
        search.kick(rng)
        search.run()
        if search.value < best_value - EPS:
            best, best_value, idle = search.s.assignments(), search.value, 0
        else:
            idle += 1
            if search.value > best_value + EPS:  # back to the best plan before the next kick
                search.s, search.value = PlanState(inst, best), best_value
    return best


class _Search:
    def __init__(self, state: PlanState, deadline: float, max_evals: int | None) -> None:
        self.s = state
        self.deadline = deadline
        self.evals_left = max_evals
        self.cands = [set(k.candidates) for k in state.classes]
        members: dict[str, list[int]] = {}
        for ki in state.movable:
            group = state.classes[ki].group
            if group is not None:
                members.setdefault(group, []).append(ki)
        self.groups = [m for m in members.values() if len(m) > 1 or len(state.classes[m[0]].case_nos) > 1]
        self.taken = 0
        self.value = 0.0  # the objective's change since the start, in points

    def kick(self, rng: random.Random) -> None:
        """A few random legal single-case moves, whatever they cost: out of the local optimum."""
        s = self.s
        for _ in range(rng.randint(*KICK_MOVES)):
            ki = rng.choice(s.movable)
            k = s.classes[ki]
            if not s.count[ki] or len(k.candidates) < 2:
                continue
            a = rng.choice(sorted(s.count[ki]))
            move = [(ki, a, rng.choice([c for c in k.candidates if c != a]), 1)]
            d = s.delta(move)
            if d is not None:
                s.apply(move)
                self.value += d[0]

    def late(self) -> bool:
        if self.evals_left is not None:
            return self.evals_left <= 0
        return time.perf_counter() >= self.deadline

    def _take(self, options: Sequence[Sequence[Move]]) -> bool:
        """Apply the best improving option, if any."""
        best: tuple[float, float] | None = None
        chosen: Sequence[Move] | None = None
        if self.evals_left is not None:
            self.evals_left -= len(options)
        for moves in options:
            d = self.s.delta(moves)
            if d is None or not (d[0] < -EPS or (d[0] <= EPS and d[1] < -EPS)):
                continue
            if best is None or (d[0], d[1]) < best:
                best, chosen = d, moves
        if chosen is None or best is None:
            return False
        self.s.apply(chosen)
        self.value += best[0]
        self.taken += 1
        return True

    def run(self) -> None:
        while not self.late():
            before = self.taken
            self._group_moves()
            self._single_moves()
            if self.taken == before:
                self._swaps()  # the largest neighbourhood: only where moves alone are stuck
            if self.taken == before:
                self._relieve_ties()
            if self.taken == before:
                return

    def _group_moves(self) -> None:
        s = self.s
        for members in self.groups:
            if self.late():
                return
            common = set.intersection(*(self.cands[ki] for ki in members))
            options = [[(ki, a, b, n) for ki in members for a, n in s.count[ki].items() if a != b]
                       for b in sorted(common)]
            self._take([m for m in options if m])

    def _single_moves(self) -> None:
        s = self.s
        for ki in s.movable:
            if self.late():
                return
            k, cost = s.classes[ki], s.cost[ki]
            regroup = -s.group_w if k.group is not None else 0.0
            for a in sorted(s.count[ki]):
                while s.count[ki].get(a, 0) > 0:
                    slack = EPS - s.floor(a, k.weight) - regroup + cost[a]  # skip b where cost[b] exceeds it
                    if not self._take([[(ki, a, b, 1)] for b in k.candidates if b != a and cost[b] <= slack]):
                        break

    def _occupancy(self) -> dict[str, list[int]]:
        """court -> the movable classes with cases on it (entries go stale as moves apply: check counts)."""
        at: dict[str, list[int]] = {}
        for ki in self.s.movable:
            for c in self.s.count[ki]:
                at.setdefault(c, []).append(ki)
        return at

    def _swaps(self) -> None:
        s = self.s
        at = self._occupancy()
        for k1 in s.movable:
            c1, w1 = s.cost[k1], s.classes[k1].weight
            for a in sorted(s.count[k1]):
                if self.late():
                    return
                options: list[list[Move]] = []
                for b in s.classes[k1].candidates:
                    if b == a:
                        continue
                    for k2 in at.get(b, ()):
                        if k2 == k1 or a not in self.cands[k2] or s.count[k2].get(b, 0) <= 0:
                            continue
                        c2, w2 = s.cost[k2], s.classes[k2].weight
                        grouped = (s.classes[k1].group is not None) + (s.classes[k2].group is not None)
                        floor = s.floor(a, w1 - w2) if w1 > w2 else s.floor(b, w2 - w1) if w2 > w1 else 0.0
                        if c1[b] - c1[a] + c2[a] - c2[b] + floor - grouped * s.group_w <= EPS:
                            options.append([(k1, a, b, 1), (k2, b, a, 1)])
                if s.count[k1].get(a, 0) > 0 and self._take(options):
                    at.setdefault(a, []).append(k1)  # a stale entry is skipped by its count

    def _relieve_ties(self) -> None:
        """Courts tied at a pool's worst figure: no single move or swap lowers the max, so take for
        each tied court its cheapest move or swap that lowers its load (onto courts no other part
        touches), and try them together as one compound move."""
        s = self.s
        at = self._occupancy()
        for pool in s.pools:
            if self.late():
                return
            term = pool.terms[0]
            top = term.fig[term.order[0]]
            tied = [c for c in term.order if term.fig[c] >= top - 1e-9]
            if len(tied) < 2:
                continue
            compound: list[Move] = []
            used = set(tied)
            for c in tied:
                options = self._reliefs(c, used, at)
                if self.evals_left is not None:
                    self.evals_left -= len(options)
                scored = [(d[0], i) for i, o in enumerate(options) if (d := s.delta(o)) is not None]
                if not scored:
                    break
                part = options[min(scored)[1]]
                compound.extend(part)
                used.update(m[2] for m in part)
            else:
                self._take([compound])

    def _reliefs(self, court: str, used: set[str], at: dict[str, list[int]]) -> list[list[Move]]:
        """Single moves off `court`, and swaps with a lighter case, onto courts not in `used`."""
        s = self.s
        options: list[list[Move]] = []
        for k1 in at.get(court, ()):
            k = s.classes[k1]
            if s.count[k1].get(court, 0) <= 0:
                continue
            for b in k.candidates:
                if b in used:
                    continue
                options.append([(k1, court, b, 1)])
                options.extend([(k1, court, b, 1), (k2, b, court, 1)] for k2 in at.get(b, ())
                               if s.classes[k2].weight < k.weight and court in self.cands[k2]
                               and s.count[k2].get(b, 0) > 0)
        return options
