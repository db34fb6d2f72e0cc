"""The night's wall budget: the solve stage gets what the other stages left.

A night has one budget (`Settings.nightly_budget_s`, default 300 s: the national target). The
stages before the solve (the store pass with the node alerts, the leads, the selection) run to
completion: their work is a pass over the store and cannot be cut short without losing cases.
The solve stage is the one whose work scales with time (each forum's solver stops at its time
limit with a feasible plan and reports its gap), so it gets the rest of the budget, less a
reserve for what follows it (building the forum tasks, validating and storing the plans,
publishing), shared out by forum size (`stages.forum_time_limits`).

The floor: when the stages before it took almost the whole budget (a store grown beyond what
the machine can pass in time), the solve still gets `solve_floor_s` (default 30 s): a night that
runs over its budget but plans every forum is better than one that places nothing. The
summary then says so (`budget.over_budget`), and every plan reports its gap as always.
An explicit solve budget (`--solve-budget`, `NightlyOptions.solve_budget_s`) overrides the split.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

PUBLISH_RESERVE_S = 10.0  # forum tasks built, plans validated and stored, the night published (≈ 1–5 s nationally)


class NightBudget(BaseModel):
    """The night summary's `budget` (durations, like its stage times)."""

    night_budget_s: float
    solve_budget_s: float
    before_solve_s: float  # the night's wall time when the solve started
    over_budget: bool  # the solve got its floor (or a fixed budget past the night's)


@dataclass(frozen=True)
class SolveBudget:
    seconds: float  # the solve stage's wall budget, shared out by forum size
    elapsed_s: float  # the night's wall time when the solve started
    night_budget_s: float
    floored: bool  # the rest of the budget was below the floor: the night runs over

    def report(self) -> NightBudget:
        return NightBudget(night_budget_s=self.night_budget_s, solve_budget_s=round(self.seconds, 1),
                           before_solve_s=round(self.elapsed_s, 1), over_budget=self.floored)


def solve_budget(*, night_budget_s: float, elapsed_s: float, floor_s: float, explicit_s: float | None = None,
                 reserve_s: float = PUBLISH_RESERVE_S) -> SolveBudget:
    """The solve stage's budget after `elapsed_s` of the night (module docstring)."""
    if explicit_s is not None:
        return SolveBudget(explicit_s, elapsed_s, night_budget_s, elapsed_s + explicit_s + reserve_s > night_budget_s)
    rest = night_budget_s - elapsed_s - reserve_s
    return SolveBudget(max(rest, floor_s), elapsed_s, night_budget_s, rest < floor_s)
