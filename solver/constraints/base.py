"""The shape every constraint unit has: a stable id, a level, a default weight, and four faces.

- `exclude(demand, court, legality)`: hard filters say why a (case, court) pair is illegal;
  such pairs never get a variable (`solver.variables.CaseVars`).
- `build(ctx)`: adds the unit's constraints to a model (CP-SAT or the LP relaxation) and
  returns its objective term in integer objective units (points x OBJ_SCALE).
- `check(view)`: the solver-independent check of a finished plan: violation messages.
- `score(view)`: the solver-independent contribution of the unit to the objective, in points.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from solver.instance import CourtState, Demand
    from solver.legality import Legality
    from solver.variables import ModelContext
    from solver.view import PlanView


class Level(StrEnum):
    HARD = "hard"
    MEDIUM = "medium"
    SOFT = "soft"


class ConstraintUnit:
    id: ClassVar[str]
    level: ClassVar[Level]
    label_zh: ClassVar[str] = ""
    basis: ClassVar[str] = ""

    def exclude(self, demand: Demand, court: CourtState, legality: Legality) -> str | None:
        return None

    def build(self, ctx: ModelContext) -> Any:
        return 0

    def check(self, view: PlanView) -> list[str]:
        return []

    def score(self, view: PlanView) -> float:
        return 0.0

    @property
    def default_weight(self) -> float | None:
        """The unit's weight in SolveParams.weights by default (None for hard units)."""
        from solver.policy import DEFAULT_WEIGHTS

        return DEFAULT_WEIGHTS.get(self.id)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self.id!r}, level={self.level.value!r})"
