"""Typed results of one pool's solve (issue 16): what each engine returns and what a plan stores.

- `PoolReport`: the figures of one pool's solve that a plan keeps (`AssignmentPlan.subproblems`):
  status, method, time, size, objective and bound in model points, per-term values.
- `PoolResult`: a report plus the pool's plan (`assignments`, `unplaced`) and the other plans
  the run found as points (`found_points`, for the efficiency check). Every engine returns one
  (`TransferModel.solve`, `lp_round.solve_pool_lp`, `portfolio.HighsRace`, `model.solve_pool`);
  it crosses process boundaries (pickled) when pools are solved in worker processes.

Reports stored before these types existed were plain dicts with the same keys: `PoolReport`
ignores keys it does not know, so every stored plan still loads.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from solver.frontier_types import FrontierPoint

PROOF_TOLERANCE = 1e-6  # relative: objective within this of the bound counts as proven


class PoolReport(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    pool: str = ""  # "<forum>:<level>"
    # OPTIMAL, FEASIBLE, GREEDY; without a plan: UNKNOWN, INFEASIBLE, MODEL_INVALID, LP_FAILED
    status: str
    method: str | None = None  # lp_round[+neighbourhoodN], cp_sat, highs, greedy
    time_s: float = 0.0
    classes: int = 0
    variables: int = 0
    objective: float | None = None  # model points
    bound: float | None = None  # best proven lower bound, model points
    bound_by: str | None = None  # the engine whose bound is `bound` (lp, cp_sat, highs)
    terms: dict[str, float] = Field(default_factory=dict)  # per constraint unit, model points (CP-SAT)
    fallback: str | None = None  # "greedy": no engine found a plan
    engines: dict[str, str] = Field(default_factory=dict)  # engine -> its status, in a portfolio


class PoolResult(PoolReport):
    assignments: dict[str, str] | None = None  # case_no -> court; None: no plan
    unplaced: list[str] = Field(default_factory=list)
    found_points: list[FrontierPoint] = Field(default_factory=list)

    @property
    def has_plan(self) -> bool:
        return self.assignments is not None

    def plan(self) -> dict[str, str]:
        """The assignment; a result without a plan is a programming error here."""
        if self.assignments is None:
            raise ValueError(f"pool {self.pool or '?'}: no plan ({self.status})")
        return self.assignments

    def proven(self) -> bool:
        """Objective and bound meet (within PROOF_TOLERANCE)."""
        return is_proven(self.objective, self.bound)

    def report(self) -> PoolReport:
        return PoolReport.model_validate(self.model_dump(include=set(PoolReport.model_fields)))


def is_proven(objective: float | None, bound: float | None) -> bool:
    if objective is None or bound is None:
        return False
    return objective - bound <= PROOF_TOLERANCE * max(1.0, abs(objective))
