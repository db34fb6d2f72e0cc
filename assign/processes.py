"""Worker process pools that may be started from a process with other threads running.

`fork` copies the calling process with every lock in the state it had at that instant, but only the
calling thread. A lock another thread held then (the nightly's heartbeat thread inside SQLite's or
libpq's allocator, a request thread inside the rule engine under `rules.engine.ENGINE_LOCK`, a solver's
thread) stays held for ever in the child: the worker blocks on its first use, and the pool waits on the
worker for ever (a CI run of the suite hung so until its 90-minute limit; in production the night would
hang with its heartbeat still beating, so never be taken over).

Every pool here starts its workers from a forkserver: one single-threaded process per parent, started
once, which has imported the workers' modules (`preload`) and forks each worker from itself. A worker
starts in milliseconds, without the parent's threads' locks; what it needs arrives pickled (initializer
arguments, the submitted calls). The first pool of a process fixes the server's preloaded modules; a
later pool's other modules are imported by each worker when it first unpickles a call.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.forkserver
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import Any

START_METHOD = "forkserver"


def _stop_forkserver() -> None:
    """At exit, stop the forkserver and wait for it: its workers' CPU time then counts as this process's
    children's (`/usr/bin/time`, `os.times`, rusage), as a forked worker's did. Unwaited, the server and every
    worker it reaped were missing from those figures. `_stop` is CPython's own (3.11, 3.12), used by its tests."""
    stop = getattr(multiprocessing.forkserver._forkserver, "_stop", None)
    if stop is not None:
        stop()


atexit.register(_stop_forkserver)


def worker_context(preload: Sequence[str] = ()) -> BaseContext:
    """The multiprocessing context of the pools (forkserver), with `preload` asked of its server."""
    context = multiprocessing.get_context(START_METHOD)
    if preload:
        context.set_forkserver_preload(sorted(set(preload)))
    return context


def process_pool(workers: int, *, initializer: Callable[..., object] | None = None, initargs: tuple[Any, ...] = (),
                 preload: Sequence[str] = ()) -> ProcessPoolExecutor:
    """A `ProcessPoolExecutor` of `workers` processes started from the forkserver (see the module docstring).
    `preload`: module names the workers need (their functions' modules), imported once by the server."""
    modules = [*preload, *([initializer.__module__] if initializer is not None else [])]
    return ProcessPoolExecutor(max_workers=workers, mp_context=worker_context(modules), initializer=initializer,
                               initargs=initargs)


def start_server(preload: Sequence[str]) -> None:
    """Start the forkserver now, with `preload`, unless it runs: it imports those modules in its own process
    while the caller goes on, so a pool created a little later (with the same modules) forks its workers at
    once instead of waiting for the imports (a second or two; several under load). The store pass overlaps
    them with its counts and ranges."""
    worker_context(preload)
    multiprocessing.forkserver.ensure_running()
