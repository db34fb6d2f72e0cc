"""Group commit: one writer thread per process writes concurrent requests' rows together.

A request hands its rows (`PendingWrite`) to `GroupCommit.submit` and waits. The writer
takes every request waiting in its queue, inserts all their rows table by table (one
executemany each), appends all their audit records as one run of the chain, commits, and
only then answers each request. So nothing is acknowledged before it is committed, and
under load one transaction (BEGIN, the audit head's lock, COMMIT and, on PostgreSQL, the
WAL flush) serves many requests. Batches form by themselves: requests that arrive while a
commit is under way go into the next one, so an idle service adds no delay.

If a batch fails, its requests are written again one by one, each in its own transaction,
so one bad request fails alone (with its own error) and the others still succeed.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from assign import audit

log = logging.getLogger(__name__)
MAX_BATCH = 256


@dataclass
class PendingWrite:
    """One request's writes: rows per table (parents first), audit entries, and the table
    whose generated `id` (of its first row here) is the request's result."""

    rows: Sequence[tuple[sa.Table, dict[str, Any]]]
    audit: Sequence[audit.Entry] = ()
    returning: sa.Table | None = None


# how a request learns its outcome: (the generated id, None) once committed, (None, the error) if not
Settle = Callable[[int | None, Exception | None], None]


@dataclass
class _Job:
    write: PendingWrite
    settle: Settle
    result: int | None = field(default=None)


class GroupCommit:
    """The per-process writer. `lock` is held around each transaction (SQLite: the app's write lock)."""

    def __init__(self, engine: Engine, *, lock: AbstractContextManager[Any] | None = None,
                 max_batch: int = MAX_BATCH) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._lock = lock if lock is not None else nullcontext()
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.batches = 0  # transactions committed (for tests and metrics)

    async def submit(self, write: PendingWrite) -> int | None:
        """Queue `write` and wait until it is committed: the generated id (or None)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[int | None] = loop.create_future()

        def settle(result: int | None, error: Exception | None) -> None:
            loop.call_soon_threadsafe(_settle, future, result, error)

        self._put(_Job(write, settle))
        return await future

    def submit_blocking(self, write: PendingWrite) -> int | None:
        """The same from a thread that is not an event loop's."""
        done = threading.Event()
        outcome: list[tuple[int | None, Exception | None]] = []

        def settle(result: int | None, error: Exception | None) -> None:
            outcome.append((result, error))
            done.set()

        self._put(_Job(write, settle))
        done.wait()
        result, error = outcome[0]
        if error is not None:
            raise error
        return result

    def close(self) -> None:
        """Write what is queued, then stop the writer thread (a later submit starts a new one)."""
        with self._start_lock:
            thread, self._thread = self._thread, None
            if thread is not None:
                self._queue.put(None)
        if thread is not None:
            thread.join()

    def _put(self, job: _Job) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
                self._thread.start()
            self._queue.put(job)

    def _run(self) -> None:
        stop = False
        while not stop:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stop = True
                    break
                batch.append(job)
            self._write_batch(batch)

    def _write_batch(self, batch: list[_Job]) -> None:
        try:
            self._transaction(batch)
        except Exception as e:  # noqa: BLE001 - each request is retried alone and gets its own outcome
            if len(batch) == 1:
                batch[0].settle(None, e)
                return
            log.warning("a group commit of %d requests failed (%s); writing them one by one", len(batch),
                        type(e).__name__)
            for job in batch:
                try:
                    self._transaction([job])
                except Exception as alone:  # noqa: BLE001
                    job.settle(None, alone)
                else:
                    job.settle(job.result, None)
            return
        for job in batch:
            job.settle(job.result, None)

    def _transaction(self, batch: list[_Job]) -> None:
        with self._lock, self.engine.begin() as conn:
            write_rows(conn, batch)
            audit.append_many(session=conn, entries=[e for job in batch for e in job.write.audit])
        self.batches += 1


@functools.cache
def _insert(table: sa.Table, returning_ids: bool) -> sa.Insert:
    """The table's INSERT, or one returning its ids in parameter order (built once per table)."""
    stmt = table.insert()
    return stmt.returning(table.c.id, sort_by_parameter_order=True) if returning_ids else stmt


def write_rows(conn: Connection, batch: Sequence[_Job]) -> None:
    """Every job's rows, one executemany per table in first-seen order; the returning table's ids back."""
    tables: dict[sa.Table, list[tuple[_Job, dict[str, Any]]]] = {}
    for job in batch:
        job.result = None
        for table, values in job.write.rows:
            tables.setdefault(table, []).append((job, values))
    for table, rows in tables.items():
        if not any(job.write.returning is table for job, _ in rows):
            conn.execute(_insert(table, False), [values for _, values in rows])
            continue
        ids = conn.execute(_insert(table, True), [values for _, values in rows]).scalars().all()
        for (job, _), new_id in zip(rows, ids, strict=True):
            if job.write.returning is table and job.result is None:
                job.result = int(new_id)


def _settle(future: asyncio.Future[int | None], result: int | None, error: Exception | None) -> None:
    if future.done():  # the request was cancelled (client gone): its rows are committed all the same
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)
