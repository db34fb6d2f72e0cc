"""The task a worker process runs: place one forum's cases. A typed task in, a typed result out.

`ForumTask` and `ForumResult` are the hand-off between the nightly pipeline and its workers.
The executors (`api.executors`) move plain data between processes (a process pool or Ray),
so `solve_forum` is the adapter at the boundary: it reads the task from the dict the executor
delivers, runs `place_forum`, and returns the result as a dict the pipeline reads back into
`ForumResult`. The placer travels as the function itself: a top-level function pickles by
reference, so a worker imports it by its module, and "go to definition" works on it. The
court network arrives once per worker in `shared` and is rebuilt once per network hash.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from assign.network import CourtNetwork
from assign.schemas import Case, Court, Recommendation, Verdict
from solver.instance import AssignmentPlan, SolveParams

# place(cases, verdicts, network, *, previous_plan, pinned, params) -> (plan, recommendations):
# `api.service.placement.place_cases`, or a stand-in in tests
Placer = Callable[..., tuple[AssignmentPlan, Sequence[Recommendation]]]

_NETWORKS: dict[str, CourtNetwork] = {}


def placer_name(placer: Placer) -> str:
    """`module:function`, the placer's identity in a run id."""
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
    """A forum's plan (with the task's plan id) and its recommendations."""

    forum: str
    plan: AssignmentPlan
    recommendations: list[Recommendation]
    time_s: float = 0.0


def network_payload(network: CourtNetwork) -> dict[str, Any]:
    return {"network_hash": network.content_hash, "courts": [c.model_dump(mode="json") for c in network]}


def network_from(shared: dict[str, Any]) -> CourtNetwork:
    key = shared["network_hash"]
    if key not in _NETWORKS:
        _NETWORKS[key] = CourtNetwork([Court.model_validate(c) for c in shared["courts"]])
    return _NETWORKS[key]


def place_forum(task: ForumTask, network: CourtNetwork) -> ForumResult:
    started = time.perf_counter()
    cases = [Case.model_validate_json(t) for t in task.cases]
    verdicts = [Verdict.model_validate_json(t) for t in task.verdicts]
    plan, recommendations = task.placer(cases, verdicts, network, previous_plan=task.previous_plan,
                                        pinned=dict(task.pinned) or None, params=task.params)
    return ForumResult(
        forum=task.forum, plan=plan.model_copy(update={"plan_id": task.plan_id}),
        recommendations=[r.model_copy(update={"plan_id": task.plan_id}) for r in recommendations],
        time_s=round(time.perf_counter() - started, 3))


def solve_forum(task: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    """The executor's task function: `ForumTask` as data in, `ForumResult` as data out."""
    return place_forum(ForumTask.model_validate(task), network_from(shared)).model_dump(mode="json")
