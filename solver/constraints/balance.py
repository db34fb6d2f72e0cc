"""The two load-balance terms of the objective (solver-objective.md items 1 and 2).

Both work per pool (one forum's receiving courts at one level) and have the same shape:
weight x (worst per-officer figure + ratio x weighted cases above the pool's fair share),
where a court's fair share is its officers x the pool's mean per officer. "Worst first, then
the spread": the max makes the worst court the first concern, the overload sum spreads the
rest. Both are linear: M >= load_c / staff_c for every court, o_c >= load_c - staff_c x mean,
with the mean taken as if every case of the pool is placed, so each o_c row is separable.
"""

from __future__ import annotations

import math
from typing import Any

from solver.constraints.base import ConstraintUnit, Level
from solver.variables import BURDEN_RES, OBJ_SCALE, ModelContext
from solver.view import PlanView
from solver.weights import BACKLOG_WEIGHT, WEIGHT_SCALE


class _Balance(ConstraintUnit, level=Level.SOFT):
    with_backlog: bool
    spread_ratio: str  # the SolveParams field weighing the spread against the worst figure

    def _ratio(self, params: Any) -> float:
        return float(getattr(params, self.spread_ratio))

    def _base(self, open_cases: int) -> int:
        return round(open_cases * BACKLOG_WEIGHT * WEIGHT_SCALE) if self.with_backlog else 0

    def build(self, ctx: ModelContext) -> Any:
        be, weight, ratio = ctx.backend, ctx.params.weight(self.id), self._ratio(ctx.params)
        terms: list[Any] = []
        coefs: list[float] = []
        constant = 0.0
        with_vars = set(ctx.courts_with_vars())
        for pool in ctx.inst.pools:
            codes = [c for c in pool.courts if c in ctx.inst.courts and ctx.inst.courts[c].staff > 0]
            if not with_vars & set(codes):
                continue  # nothing to decide here: a constant the plan's report adds
            courts = [ctx.inst.courts[c] for c in codes]
            top = [self._base(c.open_cases) + max(c.capacity, c.fixed_load + ctx.vars.pinned_load(c.code))
                   for c in courts]
            loads = [ctx.load(c) + self._base(court.open_cases) for c, court in zip(codes, courts, strict=True)]
            staff_total = sum(c.staff for c in courts)
            # The fair share assumes every case of the pool is placed (capacity rarely binds):
            # a constant mean keeps each overload row on its own court's load (separable).
            placed = sum(k.weight * len(k.case_nos) for k in ctx.inst.classes if k.pool == pool.id)
            total = placed + sum(self._base(c.open_cases) + c.fixed_load for c in courts)
            worst = be.int_var(0, max(BURDEN_RES * t // c.staff + 1 for t, c in zip(top, courts, strict=True)),
                               f"{self.id}.worst[{pool.id}]")
            self._whole_case_cut(ctx, pool.id, worst)
            self._counting_cut(ctx, pool.id, codes, top, worst)
            for load, court in zip(loads, courts, strict=True):
                be.add(be.dot([worst], [court.staff]) >= load * BURDEN_RES)
                over = be.int_var(0, sum(top), f"{self.id}.over[{court.code}]")
                be.add(be.dot([over], [staff_total]) >= load * staff_total - court.staff * total)
                terms.append(over)
                coefs.append(weight * ratio * OBJ_SCALE / WEIGHT_SCALE)
            terms.append(worst)
            coefs.append(weight * OBJ_SCALE / (WEIGHT_SCALE * BURDEN_RES))
            constant += self._before(courts, weight, ratio)
        return be.dot(terms, coefs) - int(round(constant))

    def _whole_case_cut(self, ctx: ModelContext, pool_id: str, worst: Any) -> None:
        """A valid cut the LP misses: a placed case lands whole on one court, so the worst figure is
        at least its weight over the most officers any of its courts has. Added for the class where
        that is largest, scaled by the share of the class placed (so it also holds when unplaced)."""
        staff = ctx.inst.courts
        best = None
        for k in ctx.inst.classes:
            most = max((staff[c].staff for c in k.candidates if staff[c].staff > 0), default=0)
            if k.pool == pool_id and most:
                floor = k.weight / most
                if best is None or floor > best[0]:
                    best = (floor, k, most)
        if best is None:
            return
        _, k, most = best
        n = len(k.case_nos)
        # n * most * worst >= RES * w * (n - unplaced)
        ctx.backend.add(ctx.backend.dot([worst, ctx.vars.unplaced[k.id]], [n * most, BURDEN_RES * k.weight])
                        >= BURDEN_RES * k.weight * n)

    def _counting_cut(self, ctx: ModelContext, pool_id: str, codes: list[str], top: list[int], worst: Any) -> None:
        """A valid cut the LP misses: whole cases fill each court only up to a multiple of the
        weights' gcd below its figure-W ceiling, so W must leave room for every case of the pool."""
        classes = [k for k in ctx.inst.classes if k.pool == pool_id]
        if not classes:
            return
        with_vars = set(ctx.courts_with_vars())
        courts = [ctx.inst.courts[c] for c in codes]
        base = [self._base(c.open_cases) + c.fixed_load for c in courts]
        lb = counting_bound([c.staff for c in courts], base, [t if c.code in with_vars else b for t, b, c
                                                                in zip(top, base, courts, strict=True)],
                            [k.weight for k in classes], sum(k.weight * len(k.case_nos) for k in classes))
        if lb is None:
            return
        floor = max(-(-BURDEN_RES * b // c.staff) for b, c in zip(base, courts, strict=True))
        # worst >= lb unless a case stays unplaced (then only the figure before the batch holds)
        left = [ctx.vars.unplaced[k.id] for k in classes]
        ctx.backend.add(ctx.backend.dot([worst, *left], [1] + [lb - floor] * len(left)) >= lb)

    def _before(self, courts: list[Any], weight: float, ratio: float) -> float:
        """The pool's figure with no transfer placed, in objective units and the model's rounding."""
        base = [self._base(c.open_cases) + c.fixed_load for c in courts]
        staff_total = sum(c.staff for c in courts)
        worst = max(-(-BURDEN_RES * b // c.staff) for b, c in zip(base, courts, strict=True))
        over = sum(max(0, -(-(staff_total * b - c.staff * sum(base)) // staff_total))
                   for b, c in zip(base, courts, strict=True))
        return float(weight * OBJ_SCALE * (worst / (WEIGHT_SCALE * BURDEN_RES) + ratio * over / WEIGHT_SCALE))

    def score(self, view: PlanView) -> float:
        """Points the batch adds: the pool's figure with this plan minus with no transfers placed.

        Subtracting the before-batch figure (a constant) leaves the optimum unchanged but keeps
        the pending backlog from swamping the reported objective and its gap.
        """
        weight, ratio = view.inst.params.weight(self.id), self._ratio(view.inst.params)
        points = 0.0
        for pool in view.inst.pools:
            staff, load, backlog = view.pool_stats(pool)
            if not staff:
                continue
            before = [view.inst.courts[c].fixed_load for c in pool.courts if view.inst.courts[c].staff > 0]
            points += weight * (self.figure(staff, load, backlog, ratio) - self.figure(staff, before, backlog, ratio))
        return points

    def figure(self, staff: list[int], load: list[int], backlog: list[int], ratio: float) -> float:
        """Worst per officer + ratio x weighted cases above fair share, in weighted cases."""
        loads = [w + self._base(b) for w, b in zip(load, backlog, strict=True)]
        worst = max(w / s for w, s in zip(loads, staff, strict=True)) / WEIGHT_SCALE
        share = sum(loads) / sum(staff)
        over = sum(max(0.0, w - s * share) for w, s in zip(loads, staff, strict=True)) / WEIGHT_SCALE
        return worst + ratio * over


def counting_bound(staff: list[int], base: list[int], top: list[int], weights: list[int],
                   placed: int) -> int | None:
    """Least worst figure W (in the model's units: staff x W >= BURDEN_RES x load) at which the
    courts have room for `placed`: court c can take at most min(s_c W / RES, top_c) - base_c,
    rounded down to a multiple of the gcd of the case weights. None when even the largest W
    leaves no room (capacity leaves cases unplaced). Binary search: room grows with W."""
    step = math.gcd(*weights)

    def room(w: int) -> int:
        return sum(max(0, (min(s * w // BURDEN_RES, t) - b) // step * step)
                   for s, b, t in zip(staff, base, top, strict=True))

    lo = max(-(-BURDEN_RES * b // s) for s, b in zip(staff, base, strict=True))
    hi = max(-(-BURDEN_RES * t // s) for s, t in zip(staff, top, strict=True))
    if room(hi) < placed:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (mid + 1, hi) if room(mid) < placed else (lo, mid)
    return lo


class TransferBurdenBalance(_Balance, id="soft.transfer_burden_balance", label_zh="交叉执行案件（加权）人均负担均衡",
                            basis="solver-objective.md item 1; 2024 opinion Art. 2 两便 (执行力量)"):
    """Received weighted transfers per officer: the hard cases should not pile up on one court."""

    with_backlog, spread_ratio = False, "transfer_spread_ratio"


class TotalLoadBalance(_Balance, id="soft.total_load_balance", label_zh="总（加权）案件量人均均衡",
                       basis="solver-objective.md item 2; 2024 opinion Art. 2 两便 (执行法院案件数量)"):
    """Backlog plus transfers per officer: an already swamped court receives less."""

    with_backlog, spread_ratio = True, "total_spread_ratio"
