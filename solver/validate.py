"""The solver-independent specification: recheck every hard rule and recompute the score.

Runs in tests, after every solve and on the greedy output. It reads only the instance
(plain data) and the assignment; it never touches CP-SAT.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, Field

from solver.constraints import REGISTRY, Level
from solver.constraints.soft import Distance
from solver.instance import AssignmentInstance
from solver.view import PlanView
from solver.weights import WEIGHT_SCALE


class Validation(BaseModel):
    violations: list[str] = Field(default_factory=list)
    contributions: dict[str, float] = Field(default_factory=dict)  # points per constraint id (+ "unplaced")
    objective: float = 0.0
    metrics: dict[str, float] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations


def validate_plan(inst: AssignmentInstance, assignments: Mapping[str, str]) -> Validation:
    view = PlanView(inst, assignments)
    violations: list[str] = []
    known = set(view.demand)
    for no, court in assignments.items():
        d = view.demand.get(no)
        if no not in known:
            violations.append(f"plan: {no} is not a case of the instance")
        elif d is not None and d.pool is None and court != d.forum:
            violations.append(f"plan: escalated {no} must sit on its forum {d.forum}, not {court}")
    for unit in REGISTRY:
        if unit.level == Level.HARD:
            violations.extend(unit.check(view))
    contributions = {u.id: u.score(view) for u in REGISTRY if u.level != Level.HARD}
    unplaced = sum(1 for d in inst.demands if d.case_no not in assignments)
    contributions["unplaced"] = inst.params.unplaced_penalty * unplaced
    return Validation(violations=violations, contributions=contributions,
                      objective=sum(contributions.values()), metrics=plan_metrics(view, unplaced))


def plan_metrics(view: PlanView, unplaced: int) -> dict[str, float]:
    """Figures a dispatcher reads: worst burden per officer, worst total utilisation, km."""
    worst_transfer = worst_total = 0.0
    for pool in view.inst.pools:
        staff, load, backlog = view.pool_stats(pool)
        for s, w, b in zip(staff, load, backlog, strict=True):
            worst_transfer = max(worst_transfer, w / WEIGHT_SCALE / s)
            worst_total = max(worst_total, (b + w / WEIGHT_SCALE) / s)
    km = Distance.total_km(view)
    placed = sum(1 for _ in view.placed_transfers())
    return {
        "placed": float(placed), "unplaced": float(unplaced),
        "worst_transfer_per_officer": round(worst_transfer, 4),
        "worst_total_per_officer": round(worst_total, 4),
        "distance_km": round(km, 1), "mean_km": round(km / placed, 1) if placed else 0.0,
    }
