"""The local process pool: results, a dead worker's task retried, time limits, retry budget."""

from __future__ import annotations

import time
from pathlib import Path

import psutil

from api.executors import LocalPoolExecutor, TaskOutcome
from tests.nightly import tasks


def _run(executor: LocalPoolExecutor, fn, work, shared) -> dict[str, TaskOutcome]:
    got: dict[str, TaskOutcome] = {}
    executor.run(fn, work, shared=shared, on_result=lambda o: got.__setitem__(o.key, o))
    return got


def test_results_come_back_with_the_shared_data() -> None:
    got = _run(LocalPoolExecutor(workers=2), tasks.square, {f"t{i}": {"x": i} for i in range(6)}, {"offset": 1})
    assert {k: o.result["value"] for k, o in got.items() if o.result} == {f"t{i}": i * i + 1 for i in range(6)}


def test_a_dead_workers_task_is_retried(tmp_path: Path) -> None:
    work = {"a": {"x": 1, "die": True}, "b": {"x": 2}, "c": {"x": 3}}
    executor = LocalPoolExecutor(workers=2, retries=2)
    got = _run(executor, tasks.die_once, work, {"marker": str(tmp_path / "m")})
    assert all(o.ok for o in got.values()) and set(got) == {"a", "b", "c"}
    assert got["a"].attempts == 2 and executor.restarts == 1


def test_a_task_over_its_time_limit_is_stopped_and_reported() -> None:
    work = {"slow": {"x": 1, "hang": True}, "fast": {"x": 2}}
    got = _run(LocalPoolExecutor(workers=2, time_limit_s=1.5, retries=1), tasks.hang_on, work, {})
    assert got["fast"].ok
    assert not got["slow"].ok and "time limit" in (got["slow"].error or "") and got["slow"].attempts == 2


def test_a_task_that_keeps_failing_is_reported_after_its_retries() -> None:
    got = _run(LocalPoolExecutor(workers=1, retries=2), tasks.always_raises, {"x": {"x": 5}}, {})
    assert got["x"].attempts == 3 and "bad task 5" in (got["x"].error or "")


def test_a_freed_worker_takes_its_next_task_before_the_result_is_handled(tmp_path: Path) -> None:
    """The caller handles each result in its own thread (the nightly validates and stores a plan): the worker
    that produced it must not wait for that."""
    started_when_handled: dict[str, bool] = {}

    def handle(outcome: TaskOutcome) -> None:
        if outcome.key == "first":
            deadline = time.monotonic() + 30
            while not (tmp_path / "second").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            started_when_handled["second"] = (tmp_path / "second").exists()

    work = {"first": {"name": "first"}, "second": {"name": "second"}}
    LocalPoolExecutor(workers=1).run(tasks.mark_started, work, shared={"dir": str(tmp_path)}, on_result=handle)
    assert started_when_handled == {"second": True}


def _workers() -> set[int]:
    """This process's live pool workers (not the multiprocessing resource tracker)."""
    return {p.pid for p in psutil.Process().children()
            if p.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(p.cmdline())}


def test_started_workers_are_the_ones_that_run_the_tasks() -> None:
    executor = LocalPoolExecutor(workers=2)
    shared = {"offset": 1}
    executor.start(tasks.square, shared=shared)
    deadline = time.monotonic() + 60
    while len(_workers()) < 2 and time.monotonic() < deadline:  # spawned before any task
        time.sleep(0.05)
    started = _workers()
    assert len(started) == 2
    got = _run(executor, tasks.square, {f"t{i}": {"x": i} for i in range(4)}, shared)
    assert all(o.ok for o in got.values())
    assert {o.result["pid"] for o in got.values() if o.result} <= started


def test_an_executor_started_and_never_run_stops_its_workers_on_close() -> None:
    executor = LocalPoolExecutor(workers=1)
    executor.start(tasks.square, shared={"offset": 0})
    executor.close()
    deadline = time.monotonic() + 30
    while _workers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _workers()
