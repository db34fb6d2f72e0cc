"""Garbage-collector settings for long-lived, allocation-heavy processes.

CPython's cyclic collector makes a young-generation pass every 700 net allocations and, now
and then, a full pass over every tracked object. The service's processes (API workers,
store-pass workers, bulk generators) hold a large heap that never becomes garbage (modules,
the court network, the compiled rulebook, the ranking state) and allocate hundreds of
thousands of short-lived objects per batch (a 5,000-case `POST /v1/evaluate`: parsed cases,
facts, verdicts). With the default thresholds the collector's passes cost about a third of
that request's CPU and ~40 % of the store pass's verdict step (bench/RESULTS.md).

`settle_heap()` sets the thresholds to `LONG_LIVED_THRESHOLDS` (a young pass every 50,000 net
allocations; cyclic garbage lives a little longer, bounded by that count; nothing else
changes) and, once per process, freezes what the process holds at that moment
(`gc.freeze`: the collector never traverses those objects again; reference counting still
frees them). Once per process, so that a process creating many apps (the test suite) does
not pin every earlier app's leftovers.

`collector_paused()` goes further for a bounded unit of bulk work that keeps what it builds
(a store-pass range: ten thousand parsed cases, their facts and verdicts, alive until the range
is saved). Every young pass then finds all of it alive and promotes it, so the collector keeps
re-traversing objects that are about to be freed by reference counting: with the thresholds
above, still 13 µs of the 45 µs read of a case and 10 µs of its rules step (bench/RESULTS.md).
Inside the block there is no automatic pass; at its end one pass over the two young
generations, which hold everything the block allocated and kept, collects what cycles it left
(0–84 objects per 5,000-case range measured: the work makes almost none). Not a full pass: the
old generation of a store-pass worker holds what its caches (audit entries, decisions, fact
classes) gathered since it started, and traversing it after every range took 5 % of the
worker's time on the 1M store (py-spy).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

LONG_LIVED_THRESHOLDS = (50_000, 20, 20)

_frozen = False


def settle_heap(*, collect: bool = True) -> None:
    """Freeze the heap as it is now (first call in this process only) and collect less often.
    `collect`: collect first, so that no garbage is frozen (skip it where start-up time counts)."""
    global _frozen
    if not _frozen:
        if collect:
            gc.collect()
        gc.freeze()
        _frozen = True
    gc.set_threshold(*LONG_LIVED_THRESHOLDS)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic cyclic collection inside the block, one collection of the young generations at its
    end (module docstring). For bounded bulk work only: garbage in cycles waits for the block's end.
    The collector is process-wide: in a process with other threads (the API running an alerts pass in
    process) their cycles wait too. Blocks may overlap across threads: the one that found the collector
    enabled enables it again, so it is never left off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect(1)  # generations 0 and 1: everything the block allocated and kept
