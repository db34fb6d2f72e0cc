"""Holding the nightly run lock: acquire, a heartbeat thread, release; and the run as a job of
`api.service.job_runner` (`NightControl`: the lock is its claim, a takeover its cancel).

The heartbeat runs in a thread with its own connection so that long stages (a store-wide
evaluation, a slow forum) keep the lock fresh. If a heartbeat finds the lock taken over
(this process looked dead for longer than the stale timeout), the pipeline stops at its
next check instead of writing alongside the new holder.

A holder is named `host:pid:token`. When the lock is held by a process of *this* host that
no longer exists (or whose PID now belongs to a process started after the lock was taken),
the holder is provably dead and a rerun takes the lock over at once, without waiting for
`--stale-after`. A holder on another host is only ever taken over by staleness (we cannot
see its processes). Hosts sharing one database must have distinct host names (containers
do: their name is their id).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import NoReturn

import psutil
from sqlalchemy.engine import Engine

from assign import runs
from assign.db import session_scope
from assign.errors import AssignError, Conflict

log = logging.getLogger(__name__)


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def holder_is_dead(holder: str, acquired_at: datetime | None) -> bool:
    """True only when `holder` ran on this host and its process is gone (see the module docstring)."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        proc = psutil.Process(int(pid_text))
        if proc.status() == psutil.STATUS_ZOMBIE:
            return True
        return acquired_at is not None and proc.create_time() > acquired_at.timestamp() + 1.0  # the PID was reused
    except psutil.NoSuchProcess:
        return True


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
            try:
                runs.acquire_lock(conn, holder=self.holder, run_id=self.run_id, stale_after_s=self.stale_after_s)
            except Conflict:
                dead, acquired_at = runs.lock_holder(conn)
                if not (dead and holder_is_dead(dead, acquired_at)
                        and runs.take_over_dead(conn, dead_holder=dead, holder=self.holder, run_id=self.run_id)):
                    raise
                log.warning("nightly lock taken over from %s: that process no longer exists on this host", dead)
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


@dataclass(frozen=True)
class NightControl:
    """The nightly run's side of `api.service.job_runner`: claimed by its run lock (taken around the runner),
    cancelled when another process took the lock over, a domain failure recorded on the run row and raised."""

    engine: Engine
    run_id: str
    keeper: RunLockKeeper

    def claim(self) -> bool:
        return True  # the run lock is the claim

    def cancel_requested(self) -> bool:
        return self.keeper.lost

    def cancelled(self) -> NoReturn:
        self.keeper.check()  # Conflict: the run now belongs to another process; nothing is recorded
        raise Conflict(f"nightly run {self.run_id}: cancelled")

    def failed(self, error: Exception) -> NoReturn:
        if isinstance(error, AssignError) and not isinstance(error, Conflict):
            with session_scope(self.engine) as session:
                runs.finish_run(session=session, run_id=self.run_id, status=runs.RunStatus.FAILED, error=str(error))
        raise error
