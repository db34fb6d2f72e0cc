"""The shape every constraint unit has: a stable id, a level, a default weight, and four faces.

- `exclude(demand, court, legality)`: hard filters say why a (case, court) pair is illegal;
  such pairs never get a variable (`solver.variables.CaseVars`).
- `build(ctx)`: adds the unit's constraints to a model (CP-SAT or the LP relaxation) and
  returns its objective term in integer objective units (points x OBJ_SCALE).
- `check(view)`: the solver-independent check of a finished plan: violation messages.
- `score(view)`: the solver-independent contribution of the unit to the objective, in points.

A unit states its declaration as class keywords, and only what differs from its base:
`class Distance(ConstraintUnit, id="soft.distance", label_zh=..., basis=...)`. The level is the
id's prefix (`soft.` -> Level.SOFT) unless given; the default weight lives in `solver.policy`.
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

    def __init_subclass__(cls, *, id: str | None = None, level: Level | None = None,
                          label_zh: str | None = None, basis: str | None = None, **kwargs: Any) -> None:
        """Take the unit's declaration from its class keywords; a keyword left out keeps the base's value."""
        super().__init_subclass__(**kwargs)
        if id is not None:
            cls.id = id
            cls.level = level or Level(id.split(".", 1)[0])
        elif level is not None:
            cls.level = level
        if label_zh is not None:
            cls.label_zh = label_zh
        if basis is not None:
            cls.basis = basis

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
