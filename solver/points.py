"""A plan's figures on the balance/travel plane, per pool (solver.frontier_types.FrontierPoint).

Computed from the instance and the assignment alone, like the validator: the frontier, the
published plan, greedy and every policy's plan are measured by this one function.
"""

from __future__ import annotations

from collections.abc import Mapping

from solver.frontier_types import FrontierPoint, PointKind
from solver.geo import case_km
from solver.instance import AssignmentInstance, Pool
from solver.view import PlanView
from solver.weights import WEIGHT_SCALE


def pool_figures(view: PlanView, pool: Pool) -> tuple[float, float]:
    """(worst received weighted transfers per officer, weighted transfers above fair share) of a pool."""
    staff, load, _ = view.pool_stats(pool)
    if not staff:
        return 0.0, 0.0
    worst = max(w / s for w, s in zip(load, staff, strict=True)) / WEIGHT_SCALE
    share = sum(load) / sum(staff)
    spread = sum(max(0.0, w - s * share) for w, s in zip(load, staff, strict=True)) / WEIGHT_SCALE
    return worst, spread


def plan_points(inst: AssignmentInstance, assignments: Mapping[str, str], *, kind: PointKind = PointKind.PLAN,
                label: str = "", pools: list[str] | None = None) -> list[FrontierPoint]:
    """One point per pool (or per pool named in `pools`) with the assignment's figures."""
    view = PlanView(inst, assignments)
    by_pool: dict[str, list[str]] = {}
    for d in inst.demands:
        if d.pool is not None:
            by_pool.setdefault(d.pool, []).append(d.case_no)
    out = []
    for pool in inst.pools:
        if pools is not None and pool.id not in pools:
            continue
        worst, spread = pool_figures(view, pool)
        debtor = assets = placed = moves = escalated = 0
        received: dict[str, int] = {}
        for no in by_pool.get(pool.id, []):
            d = view.demand[no]
            court = view.assign.get(no)
            if d.previous is not None and court != d.previous:
                moves += 1
            if court is None:
                continue
            placed += 1
            escalated += court == pool.forum
            received[court] = received.get(court, 0) + 1
            point = inst.courts[court].point
            total = case_km(point, d.debtor_point, d.asset_point)
            to_debtor = case_km(point, d.debtor_point, None)
            debtor += to_debtor
            assets += total - to_debtor
        n = len(by_pool.get(pool.id, []))
        out.append(FrontierPoint(
            pool=pool.id, kind=kind, label=label, worst_per_officer=round(worst, 4), spread=round(spread, 4),
            km_total=debtor + assets, km_debtor=debtor, km_assets=assets,
            km_mean=round((debtor + assets) / placed, 2) if placed else 0.0, placed=placed, unplaced=n - placed,
            escalated=escalated, moves=moves, received=dict(sorted(received.items()))))
    return out
