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
"""

from __future__ import annotations

import gc

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
