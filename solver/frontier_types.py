"""Typed points on the balance/travel plane (issue 18): a frontier's points and a plan's own.

Two criteria per pool (one forum's receiving courts at one level):
- `worst_per_officer`: received weighted transfers per officer at the pool's worst court
  (the max part of `soft.transfer_burden_balance`, escalations on the forum included when
  the forum is one of the pool's courts);
- `km_total`: km from the receiving court to the debtor's domicile plus to the main assets,
  summed over the pool's placed cases (`soft.distance`).
A frontier point is the plan with the least travel whose worst figure is at most `epsilon`
(ε-constraint); `km_bound` is a proven lower bound on that least travel, so no plan with a
worst figure ≤ ε travels less than `km_bound`: `km_total - km_bound` is how far the point can
be from the true frontier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class PointKind(StrEnum):
    FRONTIER = "frontier"  # an ε-constrained least-travel plan
    PLAN = "plan"  # a plan's own figures (the published plan, greedy, a policy's plan)


class FrontierPoint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pool: str  # "<forum>:<level>"
    kind: PointKind = PointKind.FRONTIER
    label: str = ""  # "most balanced", "least travel", a policy name, "greedy" ...
    epsilon: float | None = None  # cap on worst_per_officer (weighted transfers per officer)
    worst_per_officer: float  # weighted transfers per officer, the pool's worst court
    spread: float  # weighted transfers above the pool's fair share (sum of positive deviations)
    km_total: int
    km_debtor: int  # of km_total: to the debtor's domicile
    km_assets: int  # of km_total: to the main assets
    km_mean: float  # per placed case
    placed: int
    unplaced: int
    escalated: int = 0  # cases the forum itself takes (the mode chosen by the solver, or fixed)
    moves: int = 0  # cases placed elsewhere than in the previous plan
    km_bound: float | None = None  # proven lower bound on km_total at this epsilon
    status: str = ""  # OPTIMAL / FEASIBLE (engine's word on the point)
    time_s: float = 0.0
    # cases each court of the pool receives at this point (courts receiving none left out), so the
    # console can show the per-court effect of choosing the point
    received: dict[str, int] = Field(default_factory=dict)

    @property
    def km_gap(self) -> float | None:
        """How far (km) the point can be from the true frontier at its epsilon."""
        return None if self.km_bound is None else max(0.0, self.km_total - self.km_bound)


class Frontier(BaseModel):
    """The efficient plans of one forum's pools, most balanced first, with the plan marked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    forum: str
    as_of: str | None = None
    plan_id: str | None = None  # the plan the frontier was drawn for (moves are counted against it)
    points: list[FrontierPoint] = Field(default_factory=list)  # kind FRONTIER
    plan: list[FrontierPoint] = Field(default_factory=list)  # the plan's own figures per pool (kind PLAN)
    defects: list[str] = Field(default_factory=list)  # the plan dominated by a point beyond its gap
    time_s: float = 0.0


@dataclass(frozen=True)
class EpsilonPlan:
    """One ε-point's solve inside `solver.frontier`: the engine's status and time, its plan (None:
    none in time), W in model units, and the proven km bound at its ε (None: none proven)."""

    status: str
    time_s: float
    assignments: dict[str, str] | None = None
    unplaced: list[str] = field(default_factory=list)
    w: int = 0
    km_bound: int | None = None

    def plan(self) -> dict[str, str]:
        if self.assignments is None:
            raise ValueError(f"no plan ({self.status})")
        return self.assignments
