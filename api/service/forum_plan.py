"""Planning one forum's cases, defined once for a batch job and a nightly run.

Both jobs do the same thing per forum: plan its cases against the forum's current plan
(`previous_of`), keep decided cases where their live decision binds them (`pinned`), give the
plan and its recommendations the job's plan id (`plan_forum`), check it (`check_result`: a plan
with a problem is never stored) and hand it to `api.service.plan_store` (`to_store`). They
differ only in where the solve runs:

- a batch job (`api.service.jobs`) calls `plan_forum` in its own thread, under `solver.stop`
  so a cancel stops the search;
- the nightly job (`api.nightly`) sends a `ForumTask` (cases and verdicts as their stored
  JSON, the placer as the function itself) to a worker process, where
  `api.nightly.worker.solve_forum` calls `place_forum`, and reads back a `ForumResult`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from api.service.plan_store import PlanSummary, PlanToStore
from assign.models import PlanRow
from assign.network import CourtNetwork
from assign.receiving import receiving_court_problem
from assign.schemas import Case, Recommendation, Verdict
from solver.instance import AssignmentPlan, SolveParams

# place(cases, verdicts, network, *, previous_plan, pinned, params) -> (plan, recommendations):
# `api.service.placement.place_cases`, or a stand-in in tests
Placer = Callable[..., tuple[AssignmentPlan, Sequence[Recommendation]]]


def placer_name(placer: Placer) -> str:
    """`module:function`, the placer's identity in a nightly run id."""
    return f"{placer.__module__}:{placer.__qualname__}"


class ForumTask(BaseModel):
    """One forum's subproblem. Cases and verdicts stay JSON text until the worker parses them."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    run_id: str
    forum: str
    plan_id: str
    placer: Placer
    cases: list[str]
    verdicts: list[str]
    previous_plan: AssignmentPlan | None = None
    pinned: dict[str, str] = {}
    params: SolveParams | None = None


class ForumResult(BaseModel):
    """A forum's plan (with the job's plan id) and its recommendations."""

    forum: str
    plan: AssignmentPlan
    recommendations: list[Recommendation]
    time_s: float = 0.0


def previous_of(row: PlanRow | None) -> AssignmentPlan | None:
    """The plan stored in `row` (a forum's current plan), None without one."""
    return AssignmentPlan.model_validate_json(row.data) if row is not None else None


def plan_forum(cases: Sequence[Case], verdicts: Sequence[Verdict], network: CourtNetwork, *, forum: str,
               plan_id: str, placer: Placer, previous_plan: AssignmentPlan | None, pinned: Mapping[str, str],
               params: SolveParams | None) -> ForumResult:
    """Place the forum's cases; the plan and every recommendation carry `plan_id`."""
    started = time.perf_counter()
    plan, recommendations = placer(cases, verdicts, network, previous_plan=previous_plan,
                                   pinned=dict(pinned) or None, params=params)
    return ForumResult(
        forum=forum, plan=plan.model_copy(update={"plan_id": plan_id}),
        recommendations=[r.model_copy(update={"plan_id": plan_id}) for r in recommendations],
        time_s=round(time.perf_counter() - started, 3))


def place_forum(task: ForumTask, network: CourtNetwork) -> ForumResult:
    """`plan_forum` for a task that crossed a process boundary."""
    return plan_forum([Case.model_validate_json(t) for t in task.cases],
                      [Verdict.model_validate_json(t) for t in task.verdicts], network, forum=task.forum,
                      plan_id=task.plan_id, placer=task.placer, previous_plan=task.previous_plan,
                      pinned=task.pinned, params=task.params)


def check_result(result: ForumResult, *, forums: Mapping[str, str], pins: Mapping[str, str],
                 network: CourtNetwork) -> list[str]:
    """What is wrong with a forum's plan before it is stored: the solver validator's findings, then
    the job's own invariants: only the cases asked (`forums`: case number -> the forum that transfers
    it), each on a legal receiving court for its forum (`assign.receiving`), pins kept."""
    plan = result.plan
    problems = [f"validator: {v}" for v in plan.violations]
    for case_no, court in plan.assignments.items():
        forum = forums.get(case_no)
        if forum is None:
            problems.append(f"{case_no} is not a case of forum {result.forum}")
        elif case_no in pins:  # the dispatcher's decision binds it, legal or justified: only keeping it counts
            if pins[case_no] != court:
                problems.append(f"{case_no} is pinned to {pins[case_no]} by a decision but placed on {court}")
        elif (illegal := receiving_court_problem(network, target=court, forum=forum)) is not None:
            problems.append(f"{case_no} placed on {court}: {illegal.value} ({forum})")
    return problems


def to_store(result: ForumResult, summary: PlanSummary, previous: PlanRow | None) -> PlanToStore:
    """What `plan_store.store_plan` writes for a forum's result (linked to the plan it replaces)."""
    return PlanToStore(plan=result.plan, recommendations=result.recommendations, summary=summary,
                       previous_plan_id=previous.plan_id if previous is not None else None)
