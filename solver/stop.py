"""Stopping a solve from outside: a cancelled batch job must not run its full time limit.

The caller wraps the solve in `stop_when(should_stop)`; every CP-SAT search started inside
(in this thread) is watched by a small thread that polls `should_stop` and calls the
solver's `stop_search()`, so a cancel takes effect within about one poll interval. A solution
callback alone would not do: CP-SAT calls it only on a new solution, and a search that has its
incumbent can run for the rest of its limit without one. The token travels in a context
variable rather than through every signature (place_cases -> solve -> solve_pool ->
TransferModel.solve); worker processes (`pool_map`) do not see it, so callers that must
be cancellable solve in-process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ortools.sat.python import cp_model

POLL_S = 0.1
_should_stop: ContextVar[Callable[[], bool] | None] = ContextVar("solver_should_stop", default=None)


@contextmanager
def stop_when(should_stop: Callable[[], bool]) -> Iterator[None]:
    """Solves started inside this block stop early once `should_stop()` returns True."""
    token = _should_stop.set(should_stop)
    try:
        yield
    finally:
        _should_stop.reset(token)


def stop_requested() -> bool:
    check = _should_stop.get()
    return check is not None and check()


def stop_token() -> Callable[[], bool]:
    """The current stop check as a plain callable, for a thread of this solve (threads do not
    inherit context variables)."""
    check = _should_stop.get()
    return check if check is not None else _never


def _never() -> bool:
    return False


@contextmanager
def watched(solver: cp_model.CpSolver, also: Callable[[], bool] | None = None) -> Iterator[None]:
    """Poll the current stop token (and `also`, e.g. a portfolio's proof) while `solver` searches;
    stop the search when either fires."""
    token = _should_stop.get()
    if token is None and also is None:
        yield
        return
    checks = [c for c in (token, also) if c is not None]

    def check() -> bool:
        return any(c() for c in checks)

    done = threading.Event()

    def watch() -> None:
        while not done.wait(POLL_S):
            if check():
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, name="cp-sat-stop", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
