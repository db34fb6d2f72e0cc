"""The night's wall budget: the solve stage gets what the other stages left.

A night has one budget (`Settings.nightly_budget_s`, default 300 s: the national target). The
stages before the solve (the store pass with the node alerts, the leads, the selection) run to
completion: their work is a pass over the store and cannot be cut short without losing cases.
The solve stage is the one whose work scales with time (each forum's solver stops at its time
limit with a feasible plan and reports its gap), so it gets the rest of the budget, less a
reserve for what follows it (validating and storing the plans, publishing), shared out among the
forums (`forum_time_limits`, below) once their tasks are built: the pipeline passes what the stage's
budget has left after reading the forums' cases and verdicts.

The floor: when the stages before it took almost the whole budget (a store grown beyond what
the machine can pass in time), the solve still gets `solve_floor_s` (default 30 s): a night that
runs over its budget but plans every forum is better than one that places nothing. The
summary then says so (`budget.over_budget`), and every plan reports its gap as always.
An explicit solve budget (`--solve-budget`, `NightlyOptions.solve_budget_s`) overrides the split.

Sharing the solve budget among the forums (`forum_time_limits`). Each forum's solver stops at
its time limit (or at a proven optimum, which the balance terms' weak bound makes rare: a
10-case pool measured FEASIBLE at 0.1 s and at 0.5 s alike), so the stage takes about the SUM
of the limits over the workers, plus a fixed cost per forum (the task built, shipped, the plan
validated and stored) and a cost per case outside the solver's limit (the worker parses the case
and its verdict, builds the model, and explains each placement against every legal court:
CASE_OVERHEAD_S, measured on the 200k store's 351 forums). The limits are therefore made to sum to
the stage's worker time:

    worker time  W = budget x workers - forums x TASK_OVERHEAD_S - cases x CASE_OVERHEAD_S
    minimum      m = min(floor_s, MIN_SHARE x W / forums)    (every forum gets at least m)
    limit(f)     = min(cap_s, m + (W - forums x m) x cases(f) / cases)

so the minimums take at most MIN_SHARE of the worker time and scale with what the night has
left, and the rest goes by size. A fixed 0.5 s per forum (the earlier rule) was 351 forums x
0.5 s / 2 workers >= 88 s on a 200k store before any large forum got its share. A small limit
costs plan quality, never validity: every pool's plan is the best of the LP-rounded, CP-SAT
and greedy candidates by the validator, and reports its gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel

TASK_OVERHEAD_S = 0.05  # per forum, outside its solver: task built and shipped, plan validated and stored
# per case, outside its forum's solver limit: model built ~0.2 ms, recommendations ~0.5 ms, case and verdict
# parsed ~0.15 ms (the 200k store's largest forums, each part timed apart). A national night places ~32k cases:
# ~27 s of worker time the limits must leave free
CASE_OVERHEAD_S = 0.00085
MIN_SHARE = 0.5  # of the solve stage's worker time, at most, goes to the forums' minimums
# What follows the solve stage's budget: the last plans stored, the night published (the run's audit records and
# events, in the publish transaction), the solve's workers shut down. The national bench's two nights measured 11.9
# and 13.4 s from the solve stage's end to the night's end (at 6c5ef2c, bench/RESULTS.md; 10 s was reserved then,
# and the first night, whose solve used its whole budget, ended 1.2 s past its 300 s)
PUBLISH_RESERVE_S = 15.0


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


def forum_time_limits(sizes: Mapping[str, int], *, budget_s: float | None, workers: int, cap_s: float,
                      floor_s: float = 0.5) -> dict[str, float]:
    """Each forum's solver time limit from the solve stage's budget (module docstring); they sum to at
    most the stage's worker time. No budget: {} (the solver's own default)."""
    if budget_s is None or not sizes:
        return {}
    forums = len(sizes)
    total = sum(sizes.values()) or 1
    worker_s = max(0.0, budget_s * max(1, workers) - forums * TASK_OVERHEAD_S - total * CASE_OVERHEAD_S)
    least = min(floor_s, MIN_SHARE * worker_s / forums)
    rest = worker_s - forums * least
    # rounded down to the centisecond, so the rounding never pushes the sum past the worker time
    return {f: max(0.01, int(100 * min(cap_s, least + rest * n / total)) / 100) for f, n in sizes.items()}
