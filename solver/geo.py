"""Distances the objective uses, computed the same way by the model, the validator and the recommender."""

from __future__ import annotations

from assign.network import great_circle_km


def case_km(court_point: tuple[float, float] | None, debtor: tuple[float, float] | None,
            assets: tuple[float, float] | None) -> int:
    """Whole km from the court to the debtor's domicile plus to the main assets (unknown points count 0)."""
    if court_point is None:
        return 0
    total = 0.0
    for pt in (debtor, assets):
        if pt is not None:
            total += great_circle_km(court_point[0], court_point[1], pt[0], pt[1])
    return round(total)
