"""The SQLite write lock queues writers across processes (flock) and threads, and wakes the next at once."""

from __future__ import annotations

import threading
import time
from contextlib import nullcontext
from pathlib import Path

from assign.db import SqliteWriteLock, make_engine, write_lock


def test_a_second_holder_waits_for_the_first_and_then_gets_it_at_once(tmp_path: Path) -> None:
    db = str(tmp_path / "w.sqlite")
    first, second = SqliteWriteLock(db), SqliteWriteLock(db)  # two processes' locks: separate descriptors
    order: list[str] = []
    got_it_at: list[float] = []

    def other() -> None:
        with second:
            got_it_at.append(time.monotonic())
            order.append("second")

    with first:
        t = threading.Thread(target=other)
        t.start()
        time.sleep(0.2)
        order.append("first done")
        released = time.monotonic()
    t.join(5)
    assert order == ["first done", "second"]
    assert got_it_at[0] - released < 0.05  # no busy-handler sleep steps


def test_threads_of_one_process_are_serialised_too(tmp_path: Path) -> None:
    lock = SqliteWriteLock(str(tmp_path / "t.sqlite"))
    inside = 0
    most = 0

    def work() -> None:
        nonlocal inside, most
        for _ in range(50):
            with lock:
                inside += 1
                most = max(most, inside)
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert most == 1


def test_which_lock_each_database_gets(tmp_path: Path) -> None:
    assert isinstance(write_lock(make_engine(f"sqlite:///{tmp_path / 'f.sqlite'}")), SqliteWriteLock)
    assert not isinstance(write_lock(make_engine("sqlite://")), (SqliteWriteLock, nullcontext))
    assert isinstance(write_lock(make_engine("postgresql://u:p@127.0.0.1:1/x")), nullcontext)
