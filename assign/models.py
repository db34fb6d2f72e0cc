"""Tables for the domain core: the active court network, cases, verdicts, plans.

Cases, verdicts and plans keep their full interchange JSON in a text column (`data`) next
to the few columns queries filter on. The JSON is what `Case.model_dump_json()` wrote, so
reading it back is one `Case.model_validate_json` call, the fastest path pydantic has,
and the stored record is exactly the record the command centre sent (after validation).

Tables of the API (keys, decisions, audit, events) and of the nightly job live in their own
modules of this package and share `SQLModel.metadata`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class CourtRow(SQLModel, table=True):
    """A court of the active network. Empty table = the built-in network is active."""

    __tablename__ = "court"
    code: str = Field(primary_key=True, max_length=32)
    name: str
    level: str = Field(max_length=16)
    parent_code: str | None = Field(default=None, index=True, max_length=32)
    division_code: str = Field(index=True, max_length=6)
    lat: float | None = None
    lon: float | None = None
    enforcement_staff: int
    open_cases: int
    position: int = 0  # row order of the loaded file, so the network round-trips as loaded


class NetworkMeta(SQLModel, table=True):
    __tablename__ = "network_meta"
    id: int = Field(default=1, primary_key=True)
    source: str
    content_hash: str = Field(max_length=64)
    court_count: int
    loaded_at: datetime = Field(default_factory=utcnow)


class CaseRow(SQLModel, table=True):
    # (status, case_no): every bulk reader walks the open cases in case_no order in ranges; with
    # an index on status alone, each range scanned every open case (quadratic in the store size).
    # (status, debtor_id): the linked-case counts every store pass starts with (debtors with more than one
    # unfinished case, §12.8) read it alone (covering), not every case row (migration 0011).
    # (case_no, status, content_hash): a night's data snapshot reads it alone (migration 0014).
    # (court_code, case_no, status, debtor_id): a leads unit's join of its courts' cases reads it alone (0015).
    __tablename__ = "case_record"
    __table_args__ = (sa.Index("ix_case_record_status_case_no", "status", "case_no"),
                      sa.Index("ix_case_record_status_debtor_id", "status", "debtor_id"),
                      sa.Index("ix_case_record_snapshot", "case_no", "status", "content_hash"),
                      sa.Index("ix_case_record_court_lead", "court_code", "case_no", "status", "debtor_id"))
    case_no: str = Field(primary_key=True, max_length=128)
    court_code: str = Field(index=True, max_length=32)
    status: str = Field(max_length=16)
    debtor_id: str = Field(index=True, max_length=64)
    obligation: str = Field(max_length=16)
    received_on: date
    filed_on: date
    content_hash: str = Field(max_length=32)
    data: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
    # the record checks the row passed when written (`assign.stored_case.CHECKS_VERSION`); None: written
    # before the column existed. With a matching content_hash, bulk reads skip the Python-only checks.
    checks_version: int | None = None


class VerdictRow(SQLModel, table=True):
    """One verdict per (case, evaluation date, rulebook hash): re-running a night adds nothing.

    Three indexes besides the rowid, each written once per verdict of the night's pass. The unique key
    is day-major, (as_of, case_no, rulebook_hash) (migration 0013): a night's verdicts append at the end
    of the index whatever the nights kept, where a case-major key put them between the earlier nights'
    entries and made each night's save dearer than the last (bench/verdict_save_days.py). It serves the
    reads of one day by case (a run's verdicts). (case_no, as_of) serves the look-ups by case (the
    latest verdict); (as_of, outcome) every read of one day by outcome (the queue, the counts by
    outcome, a run's forums, the newest day). Single-column indexes on outcome or forum span all the
    days kept and were not used (EXPLAIN, migration 0009).
    """

    __tablename__ = "verdict"
    __table_args__ = (sa.UniqueConstraint("as_of", "case_no", "rulebook_hash", name="uq_verdict_day_case_rulebook"),
                      sa.Index("ix_verdict_case_no_as_of", "case_no", "as_of"),
                      sa.Index("ix_verdict_as_of_outcome", "as_of", "outcome"))
    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(max_length=128)
    as_of: date
    outcome: str = Field(max_length=32)
    forum: str | None = Field(default=None, max_length=32)
    recommended_mode: str | None = Field(default=None, max_length=16)
    rulebook_hash: str = Field(max_length=64)
    data: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class VerdictTextRow(SQLModel, table=True):
    """The fixed texts of a fired rule (label, legal basis, law, policy) once per store, not once per verdict:
    stored verdicts name them by `digest` (`assign.stored_verdict`). Written idempotently; never updated."""

    __tablename__ = "verdict_text"
    digest: str = Field(primary_key=True, max_length=16)
    rule_id: str = Field(max_length=128)
    # the JSON object {"label_zh": …, "legal_basis": …, "law": […], "policy": […]}, as FiredRule serializes it
    texts: str = Field(sa_column=sa.Column(sa.Text, nullable=False))


class PlanRow(SQLModel, table=True):
    """A placement plan for one scope (a forum's jurisdiction or a whole night's run).

    `published` is false while a nightly run is still writing it: readers only see
    published plans, so a night's plan becomes visible at once and only when complete.
    `kind` says what it covers (`assign.plans.PlanKind`): only a plan over a forum's whole
    queue becomes the forum's current plan.
    """

    __tablename__ = "plan"
    plan_id: str = Field(primary_key=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    as_of: date = Field(index=True)
    scope: str = Field(index=True, max_length=32)
    status: str = Field(max_length=32)
    kind: str = Field(default="batch", max_length=16, index=True, sa_column_kwargs={"server_default": "batch"})
    previous_plan_id: str | None = Field(default=None, max_length=64)
    run_id: str | None = Field(default=None, index=True, max_length=64)
    published: bool = Field(default=True, index=True)
    summary: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False))
    data: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False))


class RecommendationRow(SQLModel, table=True):
    """One placed group (a case, or one debtor's linked cases) of a plan."""

    __tablename__ = "recommendation"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(foreign_key="plan.plan_id", index=True, max_length=64)
    group_key: str = Field(index=True, max_length=128)  # the first case_no of the group
    case_nos: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # JSON list
    mode: str | None = Field(default=None, max_length=16)
    target_court: str | None = Field(default=None, index=True, max_length=32)
    forum: str | None = Field(default=None, index=True, max_length=32)
    data: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
