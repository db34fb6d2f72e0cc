"""Holding the nightly run lock: acquire, a heartbeat thread, release.

The heartbeat runs in a thread with its own connection so that long stages (a store-wide
evaluation, a slow forum) keep the lock fresh. If a heartbeat finds the lock taken over
(this process looked dead for longer than the stale timeout), the pipeline stops at its
next check instead of writing alongside the new holder.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from types import TracebackType

from sqlalchemy.engine import Engine

from assign import runs
from assign.errors import Conflict


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class RunLockKeeper:
    def __init__(self, engine: Engine, *, run_id: str, stale_after_s: float, heartbeat_s: float) -> None:
        self.engine = engine
        self.run_id = run_id
        self.stale_after_s = stale_after_s
        self.heartbeat_s = heartbeat_s
        self.holder = holder_name()
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="nightly-heartbeat", daemon=True)

    def __enter__(self) -> RunLockKeeper:
        with self.engine.connect() as conn:
            runs.acquire_lock(conn, holder=self.holder, run_id=self.run_id, stale_after_s=self.stale_after_s)
        self._thread.start()
        return self

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat_s):
            try:
                with self.engine.connect() as conn:
                    if not runs.heartbeat(conn, holder=self.holder):
                        self.lost = True
                        return
            except Exception:  # a busy database: the next beat retries; staleness needs many misses
                continue

    def check(self) -> None:
        """Raise Conflict when another process has taken the lock over."""
        if self.lost:
            raise Conflict(f"nightly run {self.run_id}: the run lock was taken over by another process "
                           f"(no heartbeat for {self.stale_after_s:.0f} s); stopping")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=self.heartbeat_s + 5)
        with self.engine.connect() as conn:
            runs.release_lock(conn, holder=self.holder)
