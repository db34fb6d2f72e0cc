"""Batch placement jobs: a table, so every API worker process answers for every job.

The job runs in a thread of the process that accepted it; its state (status, best plan so
far, the cancel request) lives here. State changes are conditional UPDATEs
(`WHERE status IN ...`), so a cancel racing the job's own finish ends in exactly one
final state.

A job's request is a `JobParams` and its best plan so far any pydantic model the caller
stores (the API's is `api.service.jobs.JobBest`), both kept as their JSON. `JobParams` reads
rows written before it existed too (the same keys, spelled by `json.dumps`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlmodel import Field, Session, SQLModel, col, select

from assign.db import get_row, rows_affected, table_of
from assign.errors import Conflict
from assign.models import utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINAL = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class JobParams(BaseModel):
    """What a batch job plans: the day, optionally only named cases, the solver's time limit and policy."""

    model_config = ConfigDict(frozen=True)
    as_of: date
    case_nos: list[str] | None = None  # None: every open case of the scope
    time_limit_s: float | None = None  # None: the service's interactive limit
    policy: str | None = None  # a `solver.policy.Policy` value; None: the forum's configured policy


class PlanJob(SQLModel, table=True):
    __tablename__ = "plan_job"
    id: str = Field(primary_key=True, max_length=32)
    status: str = Field(default=JobStatus.QUEUED.value, index=True, max_length=16)
    scope: str = Field(index=True, max_length=32)  # the forum whose jurisdiction is planned
    params: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False))
    key_id: int | None = None
    cancel_requested: bool = False
    best: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False))  # best plan so far (summary)
    plan_id: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None

    def job_params(self) -> JobParams:
        return JobParams.model_validate_json(self.params)

    def best_json(self) -> str | None:
        """The stored best plan so far as JSON, None before the first one."""
        return self.best if self.best.strip() not in ("", "{}") else None


_TABLE = table_of(PlanJob)


def create_job(*, session: Session, scope: str, params: JobParams, key_id: int | None) -> PlanJob:
    job = PlanJob(id=uuid.uuid4().hex, scope=scope, params=params.model_dump_json(), key_id=key_id)
    session.add(job)
    session.flush()
    return job


def get_job(*, session: Session, job_id: str) -> PlanJob:
    return get_row(session, PlanJob, job_id, "job")


def list_jobs(*, session: Session, scopes: list[str] | None = None, limit: int = 50) -> list[PlanJob]:
    q = select(PlanJob)
    if scopes is not None:
        q = q.where(col(PlanJob.scope).in_(scopes))
    return list(session.exec(q.order_by(col(PlanJob.created_at).desc()).limit(limit)).all())


def active_jobs(*, session: Session, key_id: int | None = None, scope: str | None = None) -> int:
    """Queued or running jobs of one key, or of one scope."""
    q = sa.select(sa.func.count()).select_from(_TABLE).where(
        _TABLE.c.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]))
    if key_id is not None:
        q = q.where(_TABLE.c.key_id == key_id)
    if scope is not None:
        q = q.where(_TABLE.c.scope == scope)
    return int(session.execute(q).scalar_one())


def _transition(session: Session, job_id: str, allowed: tuple[JobStatus, ...], **values: Any) -> bool:
    stmt = sa.update(_TABLE).where(_TABLE.c.id == job_id, _TABLE.c.status.in_([s.value for s in allowed]))
    return bool(rows_affected(session.execute(stmt.values(**values))))


def start_job(*, session: Session, job_id: str) -> bool:
    """queued -> running; False when it was cancelled first."""
    return _transition(session, job_id, (JobStatus.QUEUED,), status=JobStatus.RUNNING.value, started_at=utcnow())


def set_best(*, session: Session, job_id: str, best: BaseModel) -> None:
    _transition(session, job_id, (JobStatus.RUNNING,), best=best.model_dump_json(exclude_none=True))


def finish_job(*, session: Session, job_id: str, status: JobStatus, plan_id: str | None = None,
               error: str | None = None, best: BaseModel | None = None) -> bool:
    values: dict[str, Any] = {"status": status.value, "finished_at": utcnow(), "plan_id": plan_id, "error": error}
    if best is not None:
        values["best"] = best.model_dump_json(exclude_none=True)
    return _transition(session, job_id, (JobStatus.QUEUED, JobStatus.RUNNING), **values)


def request_cancel(*, session: Session, job_id: str) -> PlanJob:
    """A queued job is cancelled at once; a running one is asked to stop (it stops at its next check)."""
    job = get_job(session=session, job_id=job_id)
    if JobStatus(job.status) in FINAL:
        raise Conflict(f"job {job_id} already ended ({job.status}); nothing to cancel")
    _transition(session, job_id, (JobStatus.QUEUED,), status=JobStatus.CANCELLED.value, finished_at=utcnow(),
                cancel_requested=True)
    _transition(session, job_id, (JobStatus.RUNNING,), cancel_requested=True)
    session.refresh(job)
    return job


def cancel_requested(*, session: Session, job_id: str) -> bool:
    value = session.execute(sa.select(_TABLE.c.cancel_requested).where(_TABLE.c.id == job_id)).scalar()
    return bool(value)
