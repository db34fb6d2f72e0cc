"""Top-level task functions for the executor tests (worker processes import them by name)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


def square(task: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    return {"value": task["x"] ** 2 + shared["offset"], "pid": os.getpid()}


def hang_on(task: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    if task.get("hang"):
        time.sleep(3600)
    return {"value": task["x"]}


def die_once(task: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    marker = Path(shared["marker"])
    if task.get("die") and not marker.exists():
        marker.write_text("died")
        os._exit(9)  # the worker process dies mid-task
    return {"value": task["x"]}


def always_raises(task: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    raise ValueError(f"bad task {task['x']}")


def mark_started(task: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    """Leaves a file named after the task when a worker starts it."""
    (Path(shared["dir"]) / task["name"]).write_text("started")
    return {"value": task["name"]}
