"""The plan improver's state: a plan as counts per (class, court), and the EXACT change of the
whole objective (the validator's, `solver.validate`) for any set of moves, without recomputing it.

A move is (class index, from court, to court, cases). Its delta is the sum of
- the per-(class, court) costs: distance, mode cost, churn, receiving outcome (`pair_cost`);
- `medium.group_together`: courts a debtor's group uses, before and after;
- the two balance terms per pool the changed courts belong to: the spread (Σ max(0, L_c − s_c·share))
  changes only at the changed courts when the moves keep the pool's total and so its fair share (a
  pool whose total changes, through a court of two pools (a forum taking 提级 cases is also a court of
  its superior's pool), is recomputed whole); the worst figure max_c L_c/s_c is the largest of the
  changed courts' new figures and the first unchanged court in the pool's courts kept sorted by figure
  (the top-2 for a single move).
A move that breaks a hard constraint has no delta (None): only legal courts (the class's candidates,
the model's own allowed pairs) are ever targets, capacity is checked at the courts that gain load,
pinned classes never move. Cases the plan leaves unplaced stay unplaced (placing one changes the
pool's fair share and every court's spread: not a local move). The search itself: `solver.improve_search`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assign.schemas import MODE_COST
from solver.constraints import BY_ID
from solver.constraints.balance import _Balance
from solver.constraints.outcome import outcome_gap
from solver.instance import AssignmentInstance, DemandClass
from solver.view import PlanView
from solver.weights import WEIGHT_SCALE

Move = tuple[int, str, str, int]  # class index, from court, to court, number of cases
BALANCE_IDS = ("soft.transfer_burden_balance", "soft.total_load_balance")


@dataclass
class _Term:
    """One balance term of one pool: weight x (worst figure + ratio x spread), loads in hundredths."""

    weight: float
    ratio: float
    base: dict[str, int]  # the backlog's weight per court (0 for the transfer term)
    share: float  # the pool's mean (load + base) per officer: constant under moves of placed cases
    order: list[str] = field(default_factory=list)  # the pool's courts, highest figure first
    fig: dict[str, float] = field(default_factory=dict)  # (load + base) / staff per court


@dataclass
class _Pool:
    courts: list[str]
    terms: list[_Term]


def pair_cost(inst: AssignmentInstance, k: DemandClass, i: int) -> float:
    """Points one case of class k costs at its i-th candidate besides balance and groups."""
    p, court = inst.params, k.candidates[i]
    cost = p.weight("soft.distance") * k.km[i] + p.weight("soft.mode_cost") * MODE_COST[k.mode_at(court)]
    if k.previous is not None and court != k.previous:
        cost += p.weight("soft.churn")
    return cost + p.weight("soft.receiving_outcome") * outcome_gap(p.outcome_shares, court)


class PlanState:
    """A plan of `inst` as counts per (class, court), with exact objective deltas for moves."""

    def __init__(self, inst: AssignmentInstance, assignments: Mapping[str, str]) -> None:
        self.inst = inst
        self.original = dict(assignments)
        view = PlanView(inst, assignments)
        self.load: dict[str, int] = dict(view.load)
        self.limit = {c: max(s.capacity, s.fixed_load + view.pinned_load.get(c, 0)) for c, s in inst.courts.items()}
        self.staff = {c: s.staff for c, s in inst.courts.items()}
        self.classes = list(inst.classes)
        self.movable = [i for i, k in enumerate(self.classes) if k.pinned is None]
        self.cost = [{c: pair_cost(inst, k, i) for i, c in enumerate(k.candidates)} for k in self.classes]
        self.count: list[Counter[str]] = [Counter(assignments[no] for no in k.case_nos if no in assignments)
                                          for k in self.classes]
        self.group_w = inst.params.weight("medium.group_together")
        self.groups: dict[str, Counter[str]] = defaultdict(Counter)
        for i, k in enumerate(self.classes):
            if k.group is not None:
                self.groups[k.group].update(self.count[i])
        self.pools: list[_Pool] = []
        self._floors: dict[tuple[str, int], float] = {}
        self.pools_of: dict[str, list[_Pool]] = defaultdict(list)
        for pool in inst.pools:
            codes = [c for c in pool.courts if c in inst.courts and self.staff[c] > 0]
            if not codes:
                continue
            terms = []
            for unit_id in BALANCE_IDS:
                unit = BY_ID[unit_id]
                assert isinstance(unit, _Balance)
                base = {c: unit._base(inst.courts[c].open_cases) for c in codes}
                share = sum(self.load[c] + base[c] for c in codes) / sum(self.staff[c] for c in codes)
                terms.append(_Term(inst.params.weight(unit_id), unit._ratio(inst.params), base, share))
            entry = _Pool(codes, terms)
            self._sort(entry)
            self.pools.append(entry)
            for c in codes:
                self.pools_of[c].append(entry)

    def _figure(self, term: _Term, court: str, extra: int = 0) -> float:
        return (self.load[court] + extra + term.base[court]) / self.staff[court]

    def _sort(self, pool: _Pool) -> None:
        staff = sum(self.staff[c] for c in pool.courts)
        for term in pool.terms:
            term.share = sum(self.load[c] + term.base[c] for c in pool.courts) / staff
            term.fig = {c: self._figure(term, c) for c in pool.courts}
            term.order = sorted(pool.courts, key=lambda c: -term.fig[c])

    def _rescored(self, pool: _Pool, term: _Term, changed: dict[str, int]) -> float:
        """The term's change (weighted cases) recomputed over the whole pool: for moves that change
        the pool's total (a court of two pools gives or takes load), so its fair share moves too."""
        def value(extra: dict[str, int]) -> float:
            loads = [(self.load[c] + extra.get(c, 0) + term.base[c], self.staff[c]) for c in pool.courts]
            share = sum(w for w, _ in loads) / sum(s for _, s in loads)
            return max(w / s for w, s in loads) + term.ratio * sum(max(0.0, w - s * share) for w, s in loads)

        return value(changed) - value({})

    def delta(self, moves: Sequence[Move]) -> tuple[float, float] | None:
        """(objective change in points, change of Σ figure² over the changed courts: a tie-breaker),
        or None when the moves break capacity."""
        changed: dict[str, int] = {}
        points = 0.0
        regroup: dict[str, dict[str, int]] | None = None
        for ki, a, b, n in moves:
            k = self.classes[ki]
            changed[a] = changed.get(a, 0) - k.weight * n
            changed[b] = changed.get(b, 0) + k.weight * n
            cost = self.cost[ki]
            points += n * (cost[b] - cost[a])
            if k.group is not None:
                regroup = regroup or {}
                g = regroup.setdefault(k.group, {})
                g[a] = g.get(a, 0) - n
                g[b] = g.get(b, 0) + n
        load, limit = self.load, self.limit
        for c, x in changed.items():
            if x > 0 and load[c] + x > limit[c]:
                return None
        if regroup:
            for group, change in regroup.items():
                now = self.groups[group]
                after = sum(1 for c in set(now) | set(change) if now.get(c, 0) + change.get(c, 0) > 0)
                points += self.group_w * (after - len(now))
        balance, tie = self._balance(changed)
        return points + balance, tie

    def _balance(self, changed: dict[str, int]) -> tuple[float, float]:
        """The balance terms' change (points) and the tie-breaker for load changes per court."""
        points = tie = 0.0
        seen: list[_Pool] = []
        for c in changed:
            for pool in self.pools_of.get(c, ()):
                if any(pool is p for p in seen):
                    continue
                seen.append(pool)
                whole = sum(x for court, x in changed.items() if court in pool.terms[0].fig) != 0
                for t, term in enumerate(pool.terms):
                    fig, base = term.fig, term.base
                    if whole:
                        points += term.weight * self._rescored(pool, term, changed) / WEIGHT_SCALE
                        if t == 0:
                            tie += sum(((self.load[c] + x + base[c]) / self.staff[c]) ** 2 - fig[c] ** 2
                                       for c, x in changed.items() if c in fig)
                        continue
                    new_worst = spread = 0.0
                    for court, x in changed.items():
                        if court not in fig:
                            continue
                        s = self.staff[court]
                        new = (self.load[court] + x + base[court]) / s
                        new_worst = max(new_worst, new)
                        fair = s * term.share
                        spread += max(0.0, new * s - fair) - max(0.0, fig[court] * s - fair)
                        if t == 0:
                            tie += new * new - fig[court] * fig[court]
                    for court in term.order:
                        if court not in changed:
                            new_worst = max(new_worst, fig[court])
                            break
                    points += term.weight * ((new_worst - fig[term.order[0]]) + term.ratio * spread) / WEIGHT_SCALE
        return points, tie

    def floor(self, court: str, x: int) -> float:
        """A lower bound on the balance terms' change when `court` loses x > 0 and other courts gain
        it: the worst figure falls at most to the larger of its new figure and the runner-up's (gainers
        only rise), and the spread at most by x. The search skips moves whose other costs exceed it."""
        key = (court, x)
        hit = self._floors.get(key)
        if hit is not None:
            return hit
        points = 0.0
        for pool in self.pools_of.get(court, ()):
            for term in pool.terms:
                drop = 0.0
                if term.order[0] == court:
                    runner_up = term.fig[term.order[1]] if len(term.order) > 1 else 0.0
                    drop = term.fig[court] - max(runner_up, self._figure(term, court, -x))
                points -= term.weight * (drop + term.ratio * x) / WEIGHT_SCALE
        self._floors[key] = points
        return points

    def apply(self, moves: Sequence[Move]) -> None:
        self._floors.clear()
        touched: list[_Pool] = []
        for ki, a, b, n in moves:
            k = self.classes[ki]
            self.count[ki][a] -= n
            if self.count[ki][a] <= 0:
                del self.count[ki][a]
            self.count[ki][b] += n
            self.load[a] -= k.weight * n
            self.load[b] += k.weight * n
            if k.group is not None:
                g = self.groups[k.group]
                g[a] -= n
                if g[a] <= 0:
                    del g[a]
                g[b] += n
            touched.extend(p for c in (a, b) for p in self.pools_of.get(c, ()) if not any(p is q for q in touched))
        for pool in touched:
            self._sort(pool)

    def assignments(self) -> dict[str, str]:
        """case_no -> court: each class's cases keep their court where its count allows."""
        out = dict(self.original)
        for ki in self.movable:
            k, left = self.classes[ki], Counter(self.count[ki])
            placed = [no for no in k.case_nos if no in self.original]
            moving = []
            for no in placed:
                if left[self.original[no]] > 0:
                    left[self.original[no]] -= 1
                else:
                    moving.append(no)
            spots = [c for c in sorted(left) for _ in range(left[c])]
            out.update(zip(moving, spots, strict=True))
        return out
