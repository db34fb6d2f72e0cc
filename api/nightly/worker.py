"""The task a worker process runs: place one forum's cases (`api.service.forum_plan`).

The executors (`api.executors`) move plain data between processes (a process pool or Ray),
so `solve_forum` is the adapter at the boundary: it reads the `ForumTask` from the dict the
executor delivers, runs `place_forum` (the same planning a batch job does), and returns the
`ForumResult` as a dict the pipeline reads back. The placer travels as the function itself:
a top-level function pickles by reference, so a worker imports it by its module, and "go to
definition" works on it. The court network arrives once per worker in `shared` and is
rebuilt once per network hash.
"""

from __future__ import annotations

from typing import Any

from api.service.forum_plan import ForumTask, place_forum
from assign.network import CourtNetwork
from assign.schemas import Court

_NETWORKS: dict[str, CourtNetwork] = {}


def network_payload(network: CourtNetwork) -> dict[str, Any]:
    return {"network_hash": network.content_hash, "courts": [c.model_dump(mode="json") for c in network]}


def network_from(shared: dict[str, Any]) -> CourtNetwork:
    key = shared["network_hash"]
    if key not in _NETWORKS:
        _NETWORKS[key] = CourtNetwork([Court.model_validate(c) for c in shared["courts"]])
    return _NETWORKS[key]


def solve_forum(task: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    """The executor's task function: `ForumTask` as data in, `ForumResult` as data out."""
    return place_forum(ForumTask.model_validate(task), network_from(shared)).model_dump(mode="json")
