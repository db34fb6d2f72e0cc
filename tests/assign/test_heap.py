"""`assign.heap.collector_paused`: no automatic collection inside, cycles collected at the end, the
collector's state restored whatever the block does."""

from __future__ import annotations

import gc
import weakref

import pytest

from assign.heap import collector_paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_no_automatic_pass_inside_and_the_block_cycles_are_collected_at_its_end() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        left = _cycle()
        # far more allocations than any young-generation threshold: still no pass collects the cycle
        kept = [_Node() for _ in range(3 * gc.get_threshold()[0] + 10_000)]
        assert left() is not None
    assert gc.isenabled()
    assert left() is None  # the one collection of the young generations at the end
    del kept


def test_the_collector_is_enabled_again_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a range fails")
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
