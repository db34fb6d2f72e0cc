"""Nightly runs: the run record, the run lock and per-forum progress.

A run's id is deterministic from what it computes over (as_of + network hash + rulebook
hash + solver seed + the data snapshot), so a rerun after a crash finds the same run and
resumes it, while a rerun after new cases, updates or decisions is a new run (`data_snapshot`).

The lock is one row (`run_lock`, name "nightly"), taken with a conditional UPDATE that is
atomic on SQLite (one writer at a time) and on PostgreSQL (READ COMMITTED re-checks the
WHERE clause after waiting for a concurrent writer's row lock):

    UPDATE run_lock SET holder = :me ... WHERE name = 'nightly'
      AND (holder IS NULL OR holder = :me OR heartbeat_at < :stale_before)

The holder refreshes `heartbeat_at` while it works. A holder killed with -9 never releases
the lock; once its heartbeat is older than the stale timeout, the next run takes it over, or
at once when the holder is provably dead (`take_over_dead`: the caller checked that the holder's
process no longer exists on this host).
A holder whose heartbeat UPDATE finds it no longer holds the lock stops (`LockLost`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Field, Session, SQLModel, col, select
from sqlmodel.sql.expression import Select

from assign.db import table_of
from assign.errors import Conflict
from assign.models import CaseRow, PlanRow, RecommendationRow, VerdictRow, utcnow
from assign.schemas import CaseStatus
from assign.stored_case import StoredRecord, read_stored
from assign.stored_verdict import verdict_json

NIGHTLY_LOCK = "nightly"


class RunStatus:
    RUNNING = "running"  # started, or interrupted (a rerun resumes it)
    FAILED = "failed"  # a stage raised; a rerun resumes it
    PUBLISHED = "published"  # every plan visible; a rerun changes nothing
    SUPERSEDED = "superseded"  # never finished; a later run published instead (its plans are dropped)


class NightlyRun(SQLModel, table=True):
    __tablename__ = "nightly_run"
    run_id: str = Field(primary_key=True, max_length=64)
    as_of: date = Field(index=True)
    network_hash: str = Field(max_length=64)
    rulebook_hash: str = Field(max_length=64)
    status: str = Field(default=RunStatus.RUNNING, index=True, max_length=16)
    stage: str = Field(default="start", max_length=32)
    attempts: int = 0
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    heartbeat_at: datetime = Field(default_factory=utcnow)
    error: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    summary: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False))


class RunLock(SQLModel, table=True):
    __tablename__ = "run_lock"
    name: str = Field(primary_key=True, max_length=32)
    holder: str | None = Field(default=None, max_length=128)
    run_id: str | None = Field(default=None, max_length=64)
    acquired_at: datetime | None = None
    heartbeat_at: datetime | None = None


class ForumProgress(SQLModel, table=True):
    """One forum's subproblem in one run: present once its plan is stored (unpublished)."""

    __tablename__ = "nightly_forum"
    run_id: str = Field(primary_key=True, max_length=64)
    forum: str = Field(primary_key=True, max_length=32)
    status: str = Field(max_length=16)  # "stored"
    plan_id: str = Field(max_length=64)
    cases: int = 0
    placed: int = 0
    moves: int = 0
    gap: float | None = None
    attempts: int = 1
    time_s: float = 0.0
    stored_at: datetime = Field(default_factory=utcnow)


# ---------------------------------------------------------------- lock


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=utcnow().tzinfo)


def acquire_lock(conn: Connection, *, holder: str, run_id: str, stale_after_s: float,
                 name: str = NIGHTLY_LOCK) -> None:
    """Take the lock for `holder` or raise Conflict naming the current holder. Commits."""
    table = table_of(RunLock)
    now = utcnow()
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]  # same on_conflict API
    conn.execute(insert(table).values(name=name).on_conflict_do_nothing(index_elements=["name"]))
    stale_before = now - timedelta(seconds=stale_after_s)
    taken = conn.execute(
        sa.update(table)
        .where(table.c.name == name)
        .where(sa.or_(table.c.holder.is_(None), table.c.holder == holder, table.c.heartbeat_at < stale_before))
        .values(holder=holder, run_id=run_id, acquired_at=now, heartbeat_at=now)
    ).rowcount
    conn.commit()
    if taken != 1:
        row = conn.execute(sa.select(table).where(table.c.name == name)).one()
        beat = _aware(row.heartbeat_at).isoformat(timespec="seconds") if row.heartbeat_at else "never"
        raise Conflict(
            f"a nightly run is already running (run {row.run_id}, holder {row.holder}, last heartbeat {beat}); "
            f"it is taken over once its heartbeat is older than {stale_after_s:.0f} s"
        )


def lock_holder(conn: Connection, *, name: str = NIGHTLY_LOCK) -> tuple[str | None, datetime | None]:
    """The current holder and when it took the lock."""
    table = table_of(RunLock)
    row = conn.execute(sa.select(table.c.holder, table.c.acquired_at).where(table.c.name == name)).first()
    return (row[0], _aware(row[1]) if row[1] else None) if row else (None, None)


def take_over_dead(conn: Connection, *, dead_holder: str, holder: str, run_id: str,
                   name: str = NIGHTLY_LOCK) -> bool:
    """Take the lock from `dead_holder` (known dead by the caller); False when someone else was first. Commits."""
    table = table_of(RunLock)
    now = utcnow()
    taken = conn.execute(sa.update(table).where(table.c.name == name, table.c.holder == dead_holder)
                         .values(holder=holder, run_id=run_id, acquired_at=now, heartbeat_at=now)).rowcount
    conn.commit()
    return bool(taken == 1)


def heartbeat(conn: Connection, *, holder: str, name: str = NIGHTLY_LOCK) -> bool:
    """Refresh the lock's heartbeat; False when `holder` no longer holds it. Commits."""
    table = table_of(RunLock)
    n = conn.execute(sa.update(table).where(table.c.name == name, table.c.holder == holder)
                     .values(heartbeat_at=utcnow())).rowcount
    conn.commit()
    return n == 1


def release_lock(conn: Connection, *, holder: str, name: str = NIGHTLY_LOCK) -> None:
    table = table_of(RunLock)
    conn.execute(sa.update(table).where(table.c.name == name, table.c.holder == holder)
                 .values(holder=None, heartbeat_at=None))
    conn.commit()


# ---------------------------------------------------------------- runs and progress


def start_run(*, session: Session, run_id: str, as_of: date, network_hash: str, rulebook_hash: str) -> NightlyRun:
    """The run row, created on first start; a rerun counts one more attempt."""
    run = session.get(NightlyRun, run_id)
    if run is None:
        run = NightlyRun(run_id=run_id, as_of=as_of, network_hash=network_hash, rulebook_hash=rulebook_hash)
    if run.status != RunStatus.PUBLISHED:
        run.status = RunStatus.RUNNING
        run.error = None
    run.attempts += 1
    run.heartbeat_at = utcnow()
    session.add(run)
    return run


def set_stage(*, session: Session, run_id: str, stage: str, stage_times: dict[str, float] | None = None) -> None:
    run = session.get(NightlyRun, run_id)
    if run is None:
        return
    run.stage = stage
    if stage_times is not None:
        summary = run_summary(run)
        summary.setdefault("stage_times_s", {}).update(stage_times)
        run.summary = json.dumps(summary, ensure_ascii=False, default=str)
    session.add(run)


def run_summary(run: NightlyRun) -> dict[str, Any]:
    return dict(json.loads(run.summary or "{}"))


def stage_times(*, session: Session, run_id: str) -> dict[str, float]:
    run = session.get(NightlyRun, run_id)
    return dict(run_summary(run).get("stage_times_s", {})) if run else {}


def finish_run(*, session: Session, run_id: str, status: str, summary: dict[str, Any] | None = None,
               error: str | None = None) -> None:
    run = session.get(NightlyRun, run_id)
    if run is None:
        return
    run.status = status
    run.error = error
    run.finished_at = utcnow()
    if summary is not None:
        run.summary = json.dumps(summary, ensure_ascii=False, default=str)
    session.add(run)


def stored_forums(*, session: Session, run_id: str) -> dict[str, ForumProgress]:
    rows = session.exec(select(ForumProgress).where(ForumProgress.run_id == run_id)).all()
    return {r.forum: r for r in rows}


def record_forum(*, session: Session, progress: ForumProgress) -> None:
    session.merge(progress)


def latest_published_run(*, session: Session, before: date | None = None) -> NightlyRun | None:
    q = select(NightlyRun).where(NightlyRun.status == RunStatus.PUBLISHED)
    if before is not None:
        q = q.where(NightlyRun.as_of < before)
    return session.exec(q.order_by(col(NightlyRun.as_of).desc(), col(NightlyRun.finished_at).desc()).limit(1)).first()


# ---------------------------------------------------------------- what the night reads


def snapshot_query() -> Select[str, str, str]:
    """Every case's number, status and content hash in case-number order: read from the index
    `ix_case_record_snapshot` alone (migration 0014), not from the rows holding the case JSON."""
    return select(col(CaseRow.case_no), col(CaseRow.status), col(CaseRow.content_hash)).order_by(col(CaseRow.case_no))


def data_snapshot(*, session: Session) -> str:
    """A digest of what a night reads besides the network and rulebook: every case's number, status
    and content hash (an import, an update, a closure), and the latest decision (pins). Two runs of
    one day over the same data are the same run; equal data in two databases gives equal digests.
    One pass over an index-sized column set: small next to the night's evaluation of every case."""
    from assign.decisions import Decision  # decisions -> models; imported here to keep runs' imports flat

    digest = hashlib.sha256()
    for case_no, status, content in session.execute(snapshot_query().execution_options(yield_per=20_000)):
        digest.update(f"{case_no}\x1f{status}\x1f{content}\x1e".encode())
    decided = session.execute(sa.select(sa.func.max(col(Decision.id)))).scalar()
    digest.update(f"decision:{decided}".encode())
    return digest.hexdigest()[:16]


def outcome_counts(*, session: Session, as_of: date, rulebook_hash: str) -> dict[str, int]:
    q = (sa.select(col(VerdictRow.outcome), sa.func.count()).where(col(VerdictRow.as_of) == as_of)
         .where(col(VerdictRow.rulebook_hash) == rulebook_hash).group_by(col(VerdictRow.outcome)))
    return {o: int(n) for o, n in session.execute(q).all()}


def cases_needing_court(*, session: Session, as_of: date, rulebook_hash: str,
                        modes: Iterable[str]) -> dict[str, list[str]]:
    """forum -> case_nos (sorted) of the day's open-case verdicts whose mode places the case."""
    q = (sa.select(col(VerdictRow.forum), col(VerdictRow.case_no))
         .join(CaseRow, col(CaseRow.case_no) == col(VerdictRow.case_no))
         .where(col(VerdictRow.as_of) == as_of, col(VerdictRow.rulebook_hash) == rulebook_hash)
         .where(col(CaseRow.status) == CaseStatus.OPEN.value)
         .where(col(VerdictRow.forum).is_not(None), col(VerdictRow.recommended_mode).in_(list(modes)))
         .order_by(col(VerdictRow.forum), col(VerdictRow.case_no)))
    out: dict[str, list[str]] = {}
    for forum, case_no in session.execute(q).all():
        out.setdefault(forum, []).append(case_no)
    return out


def case_texts(*, session: Session, case_nos: Sequence[str]) -> list[tuple[str, str]]:
    """(case_no, JSON) of the stored cases among `case_nos` as a nightly forum task carries them, in the order
    asked (missing ones skipped; one that no longer validates raises, as `repository.get_cases`). A trusted row
    (checked when written, its hash unchanged: `assign.stored_case`) is the text `Case.model_dump_json` wrote, so
    it goes as stored: parsing and dumping it again gave the same bytes and was most of preparing a national
    night's ~32k cases. Any other row is read with the full check and dumped."""
    found: dict[str, str] = {}
    for start in range(0, len(case_nos), 5000):
        chunk = list(case_nos[start : start + 5000])
        q = sa.select(col(CaseRow.case_no), col(CaseRow.data), col(CaseRow.content_hash),
                      col(CaseRow.checks_version)).where(col(CaseRow.case_no).in_(chunk))
        for row in session.execute(q):
            record = StoredRecord(*row)
            if record.trusted:
                found[record.case_no] = record.text
            elif (case := read_stored(record)) is not None:
                found[record.case_no] = case.model_dump_json()
    return [(no, text) for no in case_nos if (text := found.get(no)) is not None]


def day_verdicts(*, session: Session, as_of: date, rulebook_hash: str, case_nos: Sequence[str]) -> dict[str, str]:
    """case_no -> verdict JSON for the given cases on `as_of`."""
    found: dict[str, str] = {}
    for start in range(0, len(case_nos), 5000):
        chunk = list(case_nos[start : start + 5000])
        q = (sa.select(col(VerdictRow.case_no), col(VerdictRow.data)).where(col(VerdictRow.as_of) == as_of)
             .where(col(VerdictRow.rulebook_hash) == rulebook_hash).where(col(VerdictRow.case_no).in_(chunk)))
        found.update({no: verdict_json(session, data) for no, data in session.execute(q).all()})
    return found


def run_scopes(*, session: Session, run_id: str) -> list[str]:
    """The forums a run planned (its plans' scopes)."""
    q = sa.select(col(PlanRow.scope)).where(col(PlanRow.run_id) == run_id).distinct().order_by(col(PlanRow.scope))
    return [s for (s,) in session.execute(q).all()]


def discard_unfinished(*, session: Session, keep_run_id: str) -> int:
    """Drop the unpublished plans of every other run (runs abandoned when the data, rulebook or
    seed changed before a rerun), with their recommendations and progress rows, and mark
    those runs superseded. Only called while holding the run lock, so no other run is writing.
    """
    orphan = sa.select(col(PlanRow.plan_id)).where(col(PlanRow.published) == False,  # noqa: E712
                                                    col(PlanRow.run_id) != keep_run_id)
    plan_ids = [p for (p,) in session.execute(orphan).all()]
    for start in range(0, len(plan_ids), 1000):
        chunk = plan_ids[start : start + 1000]
        session.execute(sa.delete(RecommendationRow).where(col(RecommendationRow.plan_id).in_(chunk)))
        session.execute(sa.delete(PlanRow).where(col(PlanRow.plan_id).in_(chunk)))
    unfinished = (sa.select(col(NightlyRun.run_id)).where(col(NightlyRun.run_id) != keep_run_id)
                  .where(col(NightlyRun.status).in_([RunStatus.RUNNING, RunStatus.FAILED])))
    session.execute(sa.delete(ForumProgress).where(col(ForumProgress.run_id).in_(unfinished)))
    session.execute(sa.update(NightlyRun).where(col(NightlyRun.run_id).in_(unfinished))
                    .values(status=RunStatus.SUPERSEDED))
    return len(plan_ids)
