"""Fan-out of independent tasks (the nightly job's per-forum subproblems) to worker processes.

Both executors take the same inputs: a top-level task function `fn(task, shared) -> dict`,
tasks as plain JSON-able dicts keyed by a name, and one `shared` dict every task needs (the
court network), sent once per worker rather than once per task. Results come back one by
one through `on_result` in the calling thread, so the caller can store each as it lands.

Each task has a wall-clock limit and a retry budget. A task that raises, overruns its
limit, or was running in a worker that died is retried until its budget is spent; then it
is reported as failed. Solver objects never cross a process boundary, only plain data.

Workers never outlive the process that started them: each local worker runs a small thread
that checks every `PARENT_WATCH_S` whether its parent is still the process that spawned it
and ends the worker (os._exit, CP-SAT's threads included) when it is not — a parent killed
with -9 runs no cleanup, and an idle worker would otherwise wait on its task queue forever,
a busy one finish a solve nobody will read. (A watch rather than PR_SET_PDEATHSIG: that
fires when the *thread* that forked the worker ends, and the pool starts workers from
whichever thread submits.)
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Protocol

from assign.errors import DataError

TaskFn = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class TaskOutcome:
    key: str
    result: dict[str, Any] | None
    error: str | None
    attempts: int

    @property
    def ok(self) -> bool:
        return self.error is None


class Executor(Protocol):
    name: str

    def start(self, fn: TaskFn, *, shared: dict[str, Any]) -> None:
        """Start the workers now (a later `run` with the same `shared` uses them), so they are ready when
        the tasks are: the nightly starts them before the stages that precede its solve."""

    def run(self, fn: TaskFn, tasks: Mapping[str, dict[str, Any]], *, shared: dict[str, Any],
            on_result: Callable[[TaskOutcome], None]) -> None: ...

    def close(self) -> None: ...


# ---------------------------------------------------------------- local process pool

_WORKER_SHARED: dict[str, Any] = {}
PARENT_WATCH_S = 0.5


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(PARENT_WATCH_S)
        if os.getppid() != parent_pid:  # re-parented: the process that started us is gone
            os._exit(70)


def _init_worker(shared: dict[str, Any], parent_pid: int | None = None) -> None:
    _WORKER_SHARED.clear()
    _WORKER_SHARED.update(shared)
    if parent_pid is not None:
        threading.Thread(target=_watch_parent, args=(parent_pid,), name="parent-watch", daemon=True).start()


def _call_with_shared(fn: TaskFn, task: dict[str, Any]) -> dict[str, Any]:
    return fn(task, _WORKER_SHARED)


def _ready(fn: TaskFn) -> str:
    """A warm-up call: unpickling `fn` imports its module (the solver and its dependencies) in the worker."""
    return fn.__module__


class LocalPoolExecutor:
    """A `ProcessPoolExecutor` ("spawn": no forked threads or solver state) with limits and retries.

    At most `workers` tasks are in flight, so a task's clock starts when a worker takes it.
    A task over its limit cannot be cancelled inside a process pool, so the pool's
    processes are killed and a new pool started; the overrunning task is charged an
    attempt, the others in flight are resubmitted free. When a worker dies, the pool
    cannot say which task killed it, so every task in flight is charged one attempt.
    """

    name = "local"

    def __init__(self, *, workers: int = 2, time_limit_s: float = 600.0, retries: int = 2,
                 poll_s: float = 0.2) -> None:
        self.workers = max(1, workers)
        self.time_limit_s = time_limit_s
        self.retries = retries
        self.poll_s = poll_s
        self.restarts = 0
        self._started: tuple[ProcessPoolExecutor, dict[str, Any]] | None = None

    def start(self, fn: TaskFn, *, shared: dict[str, Any]) -> None:
        """Spawn the workers and have each import `fn`'s module now (spawning and importing the solver
        takes seconds): `run` with this `shared` then finds them ready."""
        if self._started is None:
            pool = self._pool(shared)
            for _ in range(self.workers):
                pool.submit(_ready, fn)
            self._started = (pool, shared)

    def _pool(self, shared: dict[str, Any]) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(shared, os.getpid()))

    @staticmethod
    def _kill(pool: ProcessPoolExecutor) -> None:
        # Python 3.11 has no public way to stop a running task; killing the processes is it.
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.kill()
        pool.shutdown(wait=True, cancel_futures=True)

    def run(self, fn: TaskFn, tasks: Mapping[str, dict[str, Any]], *, shared: dict[str, Any],
            on_result: Callable[[TaskOutcome], None]) -> None:
        pending: deque[str] = deque(tasks)
        attempts: dict[str, int] = {k: 0 for k in tasks}
        errors: dict[str, str] = {}
        started, self._started = self._started, None
        if started is not None and started[1] != shared:  # started for other shared data: not these workers
            started[0].shutdown(wait=True)
            started = None
        pool = started[0] if started is not None else self._pool(shared)
        inflight: dict[Future[dict[str, Any]], tuple[str, float]] = {}

        def charge(key: str, error: str) -> None:
            attempts[key] += 1
            errors[key] = error
            if attempts[key] <= self.retries:
                pending.appendleft(key)
            else:
                on_result(TaskOutcome(key, None, error, attempts[key]))

        def fill() -> None:
            while pending and len(inflight) < self.workers:
                key = pending.popleft()
                inflight[pool.submit(_call_with_shared, fn, tasks[key])] = (key, time.monotonic())

        try:
            while pending or inflight:
                fill()
                done, _ = wait(list(inflight), timeout=self.poll_s, return_when=FIRST_COMPLETED)
                broken = False
                ready: list[TaskOutcome] = []
                for fut in done:
                    key, _started = inflight.pop(fut)
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        charge(key, "worker process died")
                    except Exception as e:  # the task's own error: retry it
                        charge(key, f"{type(e).__name__}: {e}")
                    else:
                        ready.append(TaskOutcome(key, result, None, attempts[key] + 1))
                now = time.monotonic()
                overdue = {k for k, started in inflight.values() if now - started > self.time_limit_s}
                if broken or overdue:
                    for key, _started in inflight.values():
                        if key in overdue:
                            charge(key, f"over the time limit of {self.time_limit_s:g} s")
                        elif broken:
                            charge(key, "worker process died")
                        else:
                            pending.appendleft(key)
                    inflight.clear()
                    self._kill(pool)
                    self.restarts += 1
                    pool = self._pool(shared)
                # the freed workers take their next tasks before the caller handles the results (the nightly
                # validates and stores each plan here: a worker idled for every store, 372 forums a night)
                fill()
                for outcome in ready:
                    on_result(outcome)
        finally:
            if inflight:
                self._kill(pool)
            else:
                pool.shutdown(wait=True)

    def close(self) -> None:
        if self._started is not None:  # started, never run
            self._started[0].shutdown(wait=True)
            self._started = None


# ---------------------------------------------------------------- Ray


def ray_available() -> bool:
    try:
        import ray  # noqa: F401
    except ImportError:
        return False
    return True


def _ray_call(fn: TaskFn, task: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    return fn(task, shared)


class RayExecutor:
    """The same interface on Ray: a local cluster of `workers` CPUs, or an existing one at `address`.

    Ray retries a task whose worker died (`max_retries`) and a task that raised
    (`retry_exceptions`); the time limit is enforced here with `ray.cancel(force=True)`.
    `shared` goes into the object store once (`ray.put`) and every task reads it there.
    """

    name = "ray"

    def __init__(self, *, address: str | None = None, workers: int = 2, time_limit_s: float = 600.0,
                 retries: int = 2, poll_s: float = 0.2) -> None:
        import ray

        self._ray = ray
        self.time_limit_s = time_limit_s
        self.retries = retries
        self.poll_s = poll_s
        self._owns_cluster = address is None and not ray.is_initialized()
        if not ray.is_initialized():
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
                         configure_logging=False)
        self.workers = max(1, int(ray.cluster_resources().get("CPU", workers)))

    def start(self, fn: TaskFn, *, shared: dict[str, Any]) -> None:
        """The cluster started with the executor: nothing to do."""

    def run(self, fn: TaskFn, tasks: Mapping[str, dict[str, Any]], *, shared: dict[str, Any],
            on_result: Callable[[TaskOutcome], None]) -> None:
        ray = self._ray
        remote = ray.remote(num_cpus=1, max_retries=self.retries, retry_exceptions=True)(_ray_call)
        shared_ref = ray.put(shared)
        pending: deque[str] = deque(tasks)
        attempts: dict[str, int] = {k: 0 for k in tasks}
        inflight: dict[Any, tuple[str, float]] = {}

        def fill() -> None:
            while pending and len(inflight) < self.workers:
                key = pending.popleft()
                inflight[remote.remote(fn, tasks[key], shared_ref)] = (key, time.monotonic())

        while pending or inflight:
            fill()
            done, _ = ray.wait(list(inflight), num_returns=1, timeout=self.poll_s)
            ready: list[TaskOutcome] = []
            for ref in done:
                key, _started = inflight.pop(ref)
                attempts[key] += 1
                try:
                    result = ray.get(ref)
                except Exception as e:  # retries inside Ray are spent: report it
                    ready.append(TaskOutcome(key, None, f"{type(e).__name__}: {e}", attempts[key]))
                else:
                    ready.append(TaskOutcome(key, result, None, attempts[key]))
            fill()  # as the local pool: the freed worker takes its next task before the results are handled
            for outcome in ready:
                on_result(outcome)
            now = time.monotonic()
            for ref, (key, started) in list(inflight.items()):
                if now - started > self.time_limit_s:
                    ray.cancel(ref, force=True)
                    del inflight[ref]
                    attempts[key] += 1
                    if attempts[key] <= self.retries:
                        pending.appendleft(key)
                    else:
                        on_result(TaskOutcome(key, None, f"over the time limit of {self.time_limit_s:g} s",
                                              attempts[key]))

    def close(self) -> None:
        if self._owns_cluster:
            self._ray.shutdown()


def make_executor(kind: str, *, workers: int, time_limit_s: float, retries: int = 2,
                  address: str | None = None) -> Executor:
    if kind == "local":
        return LocalPoolExecutor(workers=workers, time_limit_s=time_limit_s, retries=retries)
    if kind == "ray":
        if not ray_available():
            raise DataError("--executor ray needs Ray: pip install 'cross-enforcement-assign[ray]'")
        return RayExecutor(address=address, workers=workers, time_limit_s=time_limit_s, retries=retries)
    raise DataError(f"unknown executor {kind!r} (local or ray)")
