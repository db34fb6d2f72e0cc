"""The task a worker process runs: place one forum's cases. Plain data in, plain data out.

Runs in a spawned process or a Ray worker, so everything arrives as JSON-able values; the
court network arrives once per worker in `shared` and is rebuilt once per network hash.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import Any

from assign.network import CourtNetwork
from assign.schemas import Case, Court, Verdict
from solver.instance import AssignmentPlan, SolveParams

_NETWORKS: dict[str, CourtNetwork] = {}


def network_payload(network: CourtNetwork) -> dict[str, Any]:
    return {"network_hash": network.content_hash, "courts": [c.model_dump(mode="json") for c in network]}


def network_from(shared: dict[str, Any]) -> CourtNetwork:
    key = shared["network_hash"]
    if key not in _NETWORKS:
        _NETWORKS[key] = CourtNetwork([Court.model_validate(c) for c in shared["courts"]])
    return _NETWORKS[key]


def resolve(path: str) -> Callable[..., Any]:
    """`package.module:function` -> the function (tasks name their placer as data)."""
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]


def solve_forum(task: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    network = network_from(shared)
    place = resolve(task["placer"])
    cases = [Case.model_validate_json(t) for t in task["cases"]]
    verdicts = [Verdict.model_validate_json(t) for t in task["verdicts"]]
    previous = AssignmentPlan.model_validate(task["previous_plan"]) if task.get("previous_plan") else None
    params = SolveParams.model_validate(task["params"]) if task.get("params") else None
    plan, recommendations = place(cases, verdicts, network, previous_plan=previous,
                                  pinned=dict(task.get("pinned") or {}) or None, params=params)
    plan_id = task["plan_id"]
    return {
        "forum": task["forum"],
        "plan": plan.model_copy(update={"plan_id": plan_id}).model_dump(mode="json"),
        "recommendations": [r.model_copy(update={"plan_id": plan_id}).model_dump(mode="json")
                            for r in recommendations],
        "time_s": round(time.perf_counter() - started, 3),
    }
