"""The constraint registry: every unit the model and the validator know, in one list.

Read it like Timefold's constraint list. Hard filters come first, in the order that names
the family of an exclusion (see `solver.legality`).
"""

from __future__ import annotations

from solver.constraints.balance import TotalLoadBalance, TransferBurdenBalance
from solver.constraints.base import ConstraintUnit, Level
from solver.constraints.hard import (
    Capacity,
    DeclaredConflict,
    EscalationOpen,
    InForumJurisdiction,
    NotAssetLocal,
    NotDebtorHome,
    NotOriginalCourt,
    Pinned,
)
from solver.constraints.medium import GroupTogether
from solver.constraints.outcome import ReceivingOutcome
from solver.constraints.soft import Churn, Distance, ModeCost

REGISTRY: tuple[ConstraintUnit, ...] = (
    InForumJurisdiction(),
    EscalationOpen(),
    NotOriginalCourt(),
    NotDebtorHome(),
    NotAssetLocal(),
    DeclaredConflict(),
    Capacity(),
    Pinned(),
    GroupTogether(),
    TransferBurdenBalance(),
    TotalLoadBalance(),
    Distance(),
    Churn(),
    ModeCost(),
    ReceivingOutcome(),
)
HARD_FILTERS: tuple[ConstraintUnit, ...] = tuple(
    u for u in REGISTRY if u.level == Level.HARD and type(u).exclude is not ConstraintUnit.exclude
)
BY_ID: dict[str, ConstraintUnit] = {u.id: u for u in REGISTRY}

__all__ = ["BY_ID", "HARD_FILTERS", "REGISTRY", "ConstraintUnit", "Level"]
