"""Rank every legal court for one new case (or one debtor group) against the current plan.

No solve: per-court loads of the plan are kept in numpy arrays per pool, and each candidate's
score delta is the change of every objective term when the case is added there, computed
with the same formulas as `solver.validate` (the tests check they agree).
"""

from __future__ import annotations

import copy
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from assign.network import CourtNetwork
from assign.schemas import MODE_COST, Alternative, Exclusion, Recommendation
from solver.build import court_state, pool_courts
from solver.constraints.outcome import outcome_gap
from solver.geo import case_km
from solver.instance import AssignmentInstance, CourtState, Demand, Pool, SolveParams
from solver.legality import Legality
from solver.view import PlanView
from solver.weights import BACKLOG_WEIGHT, WEIGHT_SCALE

BALANCE = (("soft.transfer_burden_balance", False, "transfer_spread_ratio"),
           ("soft.total_load_balance", True, "total_spread_ratio"))


class PlanState:
    """The current plan as per-court loads and per-group courts; cheap to query, cheap to extend."""

    def __init__(self, inst: AssignmentInstance, assignments: Mapping[str, str]) -> None:
        view = PlanView(inst, assignments)
        self.params: SolveParams = inst.params
        self.courts: dict[str, CourtState] = dict(inst.courts)
        self.pools: dict[str, Pool] = {p.id: p for p in inst.pools}
        self.load: dict[str, int] = dict(view.load)
        self.groups: dict[str, Counter[str]] = defaultdict(Counter)
        for no, court in view.placed_transfers():
            self.groups[view.demand[no].group][court] += 1
        self.legality = Legality({p.id: p.courts for p in inst.pools}, inst.conflicts)
        self._arrays: dict[str, tuple[list[str], np.ndarray, np.ndarray, np.ndarray]] = {}
        # per pool, built once: a pool's courts and their states do not change while the state lives
        # (a new network is a new state), and ranking one case otherwise rebuilt them on every call
        self._pool_states: dict[str, list[CourtState]] = {}
        self._points: dict[str, tuple[float, float] | None] = {}

    def without(self, demands: Sequence[Demand], assignments: Mapping[str, str]) -> PlanState:
        """A view of the plan with these demands taken out (to explain where they went)."""
        other = copy.copy(self)
        other.load = dict(self.load)
        other.groups = defaultdict(Counter, self.groups)
        for d in demands:
            court = assignments.get(d.case_no)
            if court is not None and d.pool is not None:
                other.load[court] -= d.weight
                other.groups[d.group] = other.groups[d.group] - Counter({court: 1})
        return other

    def ensure_pool(self, network: CourtNetwork, pool_id: str) -> Pool:
        """Add a pool the plan never touched (a forum with no case in the batch)."""
        if pool_id not in self.pools:
            forum, level = pool_id.split(":")
            codes = pool_courts(network, forum, level)
            for code in codes:
                self.courts.setdefault(code, court_state(network, code, self.params))
            self.pools[pool_id] = Pool(id=pool_id, forum=forum, level=level, courts=codes)
            self.legality.pool_courts[pool_id] = frozenset(codes)
        return self.pools[pool_id]

    def pool_states(self, pool_id: str) -> list[CourtState]:
        """The states of a pool's courts, in the pool's order."""
        found = self._pool_states.get(pool_id)
        if found is None:
            found = self._pool_states[pool_id] = [self.courts[c] for c in self.pools[pool_id].courts]
        return found

    def point(self, code: str) -> tuple[float, float] | None:
        """A court's (lat, lon), None when unknown."""
        if code not in self._points:
            self._points[code] = self.courts[code].point
        return self._points[code]

    def arrays(self, pool_id: str) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """(codes with officers, staff, transfer load, backlog in scaled units) of a pool."""
        if pool_id not in self._arrays:
            codes = [c for c in self.pools[pool_id].courts if self.courts[c].staff > 0]
            staff = np.array([self.courts[c].staff for c in codes], dtype=float)
            backlog = np.array([round(self.courts[c].open_cases * BACKLOG_WEIGHT * WEIGHT_SCALE) for c in codes],
                               dtype=float)
            self._arrays[pool_id] = (codes, staff, np.zeros(len(codes)), backlog)
        codes, staff, _, backlog = self._arrays[pool_id]
        load = np.array([self.load.get(c, 0) for c in codes], dtype=float)
        return codes, staff, load, backlog


def _figure(loads: np.ndarray, staff: np.ndarray, ratio: float | np.ndarray) -> np.ndarray:
    """Row-wise worst per officer + ratio x overload above fair share (weighted cases); `ratio`: one for
    every row, or one per row."""
    worst = (loads / staff).max(axis=1) / WEIGHT_SCALE
    share = loads.sum(axis=1) / staff.sum()
    over = np.maximum(0.0, loads - staff * share[:, None]).sum(axis=1) / WEIGHT_SCALE
    figure: np.ndarray = worst + ratio * over
    return figure


Ranked = list[tuple[str, dict[str, float]]]


def rank_courts(state: PlanState, demands: Sequence[Demand]) -> tuple[Ranked, list[Exclusion]]:
    """Legal courts with per-term score deltas (best first) and excluded courts with their unit."""
    p, first = state.params, demands[0]
    pool = state.pools[first.pool or ""]
    excluded: dict[str, str] = {}
    for d in demands:
        _, excl, _ = state.legality.split(d, state.pool_states(pool.id))
        for court, unit in excl.items():
            excluded.setdefault(court, unit)
    if first.pinned:
        excluded.update({c: "hard.pinned" for c in pool.courts if c != first.pinned})
    codes, staff, load, backlog = state.arrays(pool.id)
    index = {c: i for i, c in enumerate(codes)}
    need = sum(d.weight for d in demands)
    legal = [c for c in pool.courts if c not in excluded and c in index
             and state.load.get(c, 0) + need <= max(state.courts[c].capacity, state.load.get(c, 0))]
    excluded.update({c: "hard.capacity" for c in pool.courts if c not in excluded and c not in legal})
    add = float(sum(d.weight for d in demands))
    rows = np.array([index[c] for c in legal], dtype=int)
    # both balance units at once, one row per (unit, candidate): every row is computed as `_figure` computes
    # it alone (same values, so the same floats), with half the numpy calls of one pass per unit
    units = len(BALANCE)
    bases = np.stack([load + backlog if with_backlog else load for _, with_backlog, _ in BALANCE])
    ratios = np.array([getattr(p, ratio_name) for _, _, ratio_name in BALANCE])
    after = np.repeat(bases, len(rows), axis=0)
    after[np.arange(units * len(rows)), np.tile(rows, units)] += add
    figures = _figure(after, staff, np.repeat(ratios, len(rows))).reshape(units, len(rows))
    before = _figure(bases, staff, ratios)
    balance = [(unit_id, (p.weight(unit_id) * (figures[u] - before[u])).tolist())
               for u, (unit_id, _, _) in enumerate(BALANCE)]
    group = state.groups.get(first.group, Counter())
    w_distance, w_churn, w_mode = p.weight("soft.distance"), p.weight("soft.churn"), p.weight("soft.mode_cost")
    w_group, w_outcome = p.weight("medium.group_together"), p.weight("soft.receiving_outcome")
    ranked = []
    for j, court in enumerate(legal):
        point = state.point(court)
        terms = {unit_id: values[j] for unit_id, values in balance}
        terms["soft.distance"] = w_distance * sum(case_km(point, d.debtor_point, d.asset_point) for d in demands)
        terms["soft.churn"] = w_churn * sum(1 for d in demands if d.previous not in (None, court))
        terms["soft.mode_cost"] = w_mode * sum(MODE_COST[d.mode_at(court)] for d in demands)
        terms["medium.group_together"] = w_group * (1 if group and court not in group else 0)
        if p.outcome_shares:  # the optional term appears only where it is on
            terms["soft.receiving_outcome"] = w_outcome * len(demands) * outcome_gap(p.outcome_shares, court)
        ranked.append((court, terms))
    ranked.sort(key=lambda ct: (sum(ct[1].values()), ct[0]))
    from solver.constraints import BY_ID

    reasons = [Exclusion(court=c, constraint=u, reason=BY_ID[u].label_zh) for c, u in sorted(excluded.items())]
    return ranked, reasons


def recommend_demands(state: PlanState, network: CourtNetwork, demands: Sequence[Demand],
                      top: int | None = None, chosen: str | None = None) -> Recommendation:
    """A Recommendation for one case or one debtor group: best court, alternatives, exclusions.

    `chosen` (a solved plan's court) replaces the locally best court as the reference: the
    alternatives' deltas then say what moving the group alone would change.
    """
    first = demands[0]
    nos = [d.case_no for d in demands]
    if first.pool is None:  # escalation: the forum enforces it itself
        return Recommendation(case_nos=nos, mode=first.mode, target_court=first.forum, forum=first.forum)
    state.ensure_pool(network, first.pool)
    ranked, excluded = rank_courts(state, demands)
    outside = Exclusion(court="*", constraint="hard.in_forum_jurisdiction",
                        reason=f"every court outside 本辖区 of {first.forum} at level {first.pool.split(':')[1]}, "
                               f"and {first.forum} itself (that is 提级)")
    if not ranked:
        from solver.constraints import HARD_FILTERS

        order = [u.id for u in HARD_FILTERS]
        found = [e.constraint for e in excluded if e.constraint in order]
        return Recommendation(case_nos=nos, mode=first.mode, target_court=None, forum=first.forum,
                              excluded=[*excluded, outside],
                              unplaced_reason=max(found, key=order.index) if found else "hard.in_forum_jurisdiction")
    best, best_terms = next(((c, t) for c, t in ranked if c == chosen), ranked[0])
    best_total = sum(best_terms.values())
    kept = [(c, t) for c, t in ranked if c != best]
    alternatives = [Alternative(court=c, delta=round(sum(t.values()) - best_total, 6),
                                score={k: round(v, 6) for k, v in t.items()})
                    for c, t in (kept[:top] if top is not None else kept)]
    return Recommendation(case_nos=nos, mode=first.mode_at(best), target_court=best, forum=first.forum,
                          score={k: round(v, 6) for k, v in best_terms.items()}, alternatives=alternatives,
                          excluded=[*excluded, outside])
