"""Efficiency guarantee: a published plan must not be dominated, beyond its stated gap, on the
balance/travel plane by another plan the run found, nor sit further from the km bound than its
gap allows (issue 18). Defects name the dominating figures."""

from __future__ import annotations

from collections.abc import Sequence

from solver.frontier_types import FrontierPoint

W_TOLERANCE = 1e-4  # weighted transfers per officer: the figures are rounded to 4 places


def dominance_defects(plan: Sequence[FrontierPoint], found: Sequence[FrontierPoint],
                      gap: float = 0.0) -> list[str]:
    """Per pool: a point in `found` at least as balanced as the plan that travels less by more
    than the gap (or as little and is strictly more balanced) makes the plan dominated; a plan
    travelling less than a proven km bound at an ε it meets means the bound or the plan is wrong."""
    defects: list[str] = []
    for mine in plan:
        slack_km = gap * mine.km_total + 0.5
        for other in found:
            if other.pool != mine.pool or other is mine:
                continue
            balanced_enough = (other.worst_per_officer <= mine.worst_per_officer + W_TOLERANCE
                               and other.placed >= mine.placed)
            if not balanced_enough:
                continue
            if (other.epsilon is not None and other.km_bound is not None
                    and mine.worst_per_officer <= other.epsilon + W_TOLERANCE and mine.km_total < other.km_bound - 0.5):
                defects.append(f"bound: pool {mine.pool}: plan {mine.km_total} km below the proven {other.km_bound} km "
                               f"at worst <= {other.epsilon:.4f}/officer")
            less_travel = other.km_total < mine.km_total - slack_km
            better_balance = (other.worst_per_officer < mine.worst_per_officer - W_TOLERANCE
                              and other.km_total <= mine.km_total)
            if less_travel or better_balance:
                defects.append(
                    f"dominated: pool {mine.pool}: plan worst {mine.worst_per_officer:.4f}/officer, "
                    f"{mine.km_total} km; {other.kind.value} {other.label!r} worst {other.worst_per_officer:.4f}"
                    f"/officer, {other.km_total} km (gap {gap:.2%})")
                break
    return defects
