"""Progress of cases over time (issue 17 §3): what a transfer achieved, recorded as dated events.

An event is one dated fact about a case: a measure taken, the amount recovered so far (cumulative), or a
status change (concluded, 终本, ...). It is keyed by (case_no, kind, on): sending the same key again
replaces its value (last write wins), so a feed can be replayed. Events arrive through `POST /v1/outcomes`,
`assign outcomes import FILE`, and ordinary case updates — `PATCH /v1/cases/{case_no}` and a case import that
updates a stored case (`progress_of_update` reads the facts off both: one definition, not two).

Events are stored for every case, transferred or not: the report compares a receiving court's transferred
cases with its own, and both sides must come from the same kind of data. Which cases are transferred is
decided at report time by `assign.decisions.binding_decisions` (the decision that bound the case to a court).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.engine import Connection
from sqlmodel import Field as SQLField
from sqlmodel import Session, SQLModel, col, select

from assign import events
from assign.db import table_of, upsert
from assign.fields import CaseNo, EventDate
from assign.models import utcnow
from assign.schemas import Case, CaseStatus, MeasureKind, MeasureResult, Money

EVENT_KIND = "outcomes.recorded"


class ProgressKind(StrEnum):
    MEASURE = "measure"  # a measure was taken on `on`
    RECOVERED = "recovered"  # `recovered` is the cumulative amount recovered by `on`
    STATUS = "status"  # the case's status became `status` on `on` (concluded, zhongben, ...)


class Source(StrEnum):
    API = "api"
    IMPORT = "import"
    CASE_UPDATE = "case_update"
    GENERATED = "generated"  # the demo store's history (assign/generator/progress.py)


class ProgressEvent(BaseModel):
    """One dated fact about a case's progress (interchange: `POST /v1/outcomes`, `assign outcomes import`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    case_no: CaseNo
    kind: ProgressKind
    on: EventDate
    measure: MeasureKind | None = Field(default=None, description="kind=measure: which measure")
    result: MeasureResult | None = Field(default=None, description="kind=measure: what it achieved (optional)")
    recovered: Money | None = Field(default=None, description="kind=recovered: cumulative amount recovered by `on`")
    status: CaseStatus | None = Field(default=None, description="kind=status: the new status")

    @model_validator(mode="after")
    def _value_matches_kind(self) -> ProgressEvent:
        needed = {ProgressKind.MEASURE: "measure", ProgressKind.RECOVERED: "recovered",
                  ProgressKind.STATUS: "status"}[self.kind]
        if getattr(self, needed) is None:
            raise ValueError(f"{needed} is required on a {self.kind.value} event")
        others = [n for n in ("measure", "result", "recovered", "status")
                  if n != needed and getattr(self, n) is not None and not (n == "result" and needed == "measure")]
        if others:
            raise ValueError(f"{others[0]} is not allowed on a {self.kind.value} event")
        return self

    @property
    def key(self) -> tuple[str, str, date]:
        return (self.case_no, self.kind.value, self.on)


class ProgressRow(SQLModel, table=True):
    __tablename__ = "case_progress"
    __table_args__ = (sa.UniqueConstraint("case_no", "kind", "occurred_on", name="uq_case_progress_key"),)
    id: int | None = SQLField(default=None, primary_key=True)
    case_no: str = SQLField(index=True, max_length=128)
    kind: str = SQLField(max_length=16)
    occurred_on: date
    measure: str | None = SQLField(default=None, max_length=32)
    result: str | None = SQLField(default=None, max_length=16)
    recovered: str | None = SQLField(default=None, max_length=32)  # Decimal as text: exact on both databases
    status: str | None = SQLField(default=None, max_length=16)
    source: str = SQLField(max_length=16)
    recorded_at: datetime = SQLField(default_factory=utcnow)

    def event(self) -> ProgressEvent:
        return ProgressEvent(case_no=self.case_no, kind=ProgressKind(self.kind), on=self.occurred_on,
                             measure=MeasureKind(self.measure) if self.measure else None,
                             result=MeasureResult(self.result) if self.result else None,
                             recovered=Decimal(self.recovered) if self.recovered is not None else None,
                             status=CaseStatus(self.status) if self.status else None)


class Recorded(BaseModel):
    new: int = 0
    updated: int = 0
    unchanged: int = 0


_VALUES = ("measure", "result", "recovered", "status")


def _values(e: ProgressEvent) -> dict[str, Any]:
    return {"measure": e.measure.value if e.measure else None, "result": e.result.value if e.result else None,
            "recovered": str(e.recovered) if e.recovered is not None else None,
            "status": e.status.value if e.status else None}


def record_progress(*, session: Session, progress: Sequence[ProgressEvent], source: Source) -> Recorded:
    """Upsert the events by (case_no, kind, on); publish one `outcomes.recorded` event when anything changed.
    The cases must exist (the caller checks: the API and import report a row, a case update has its case)."""
    counts, changed = store_progress(session, progress, source)
    if changed:
        events.publish(session=session, kind=EVENT_KIND, subject=f"{len(changed)} cases' progress",
                       payload={"source": source.value, "cases": len(changed), "case_nos": changed[:500]})
    session.flush()
    return counts


def store_progress(conn: Connection | Session, progress: Sequence[ProgressEvent],
                   source: Source) -> tuple[Recorded, list[str]]:
    """The upsert alone (case import writes on a Connection, inside its own transaction): counts and the
    numbers of the cases whose events changed."""
    latest = {e.key: e for e in progress}  # the same key twice in one batch: the later one wins
    table = table_of(ProgressRow)
    stored: dict[tuple[str, str, date], dict[str, Any]] = {}
    case_nos = sorted({k[0] for k in latest})
    for lo in range(0, len(case_nos), 5000):
        q = sa.select(table.c.case_no, table.c.kind, table.c.occurred_on, *(table.c[v] for v in _VALUES)).where(
            table.c.case_no.in_(case_nos[lo : lo + 5000]))
        for no, kind, on, *vals in conn.execute(q):
            stored[(no, kind, on)] = dict(zip(_VALUES, vals, strict=True))
    counts = Recorded()
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for key, e in latest.items():
        values = _values(e)
        if key not in stored:
            counts.new += 1
        elif stored[key] != values:
            counts.updated += 1
        else:
            counts.unchanged += 1
            continue
        rows.append({"case_no": e.case_no, "kind": e.kind.value, "occurred_on": e.on, **values,
                     "source": source.value, "recorded_at": now})
    upsert(conn, table, rows, key=("case_no", "kind", "occurred_on"), update=(*_VALUES, "source", "recorded_at"))
    return counts, sorted({r["case_no"] for r in rows})


def progress_of_update(old: Case, new: Case, *, as_of: date) -> list[ProgressEvent]:
    """The progress an ordinary case update carries: each added measure (on its own date), a changed
    recovered amount and a changed status (on the day of the update, the only date the update gives)."""
    seen = {(m.kind, m.on, m.asset_id) for m in old.measures}
    out = [ProgressEvent(case_no=new.case_no, kind=ProgressKind.MEASURE, on=m.on, measure=m.kind, result=m.result)
           for m in new.measures if (m.kind, m.on, m.asset_id) not in seen]
    if new.recovered != old.recovered:
        out.append(ProgressEvent(case_no=new.case_no, kind=ProgressKind.RECOVERED, on=as_of, recovered=new.recovered))
    if new.status != old.status:
        out.append(ProgressEvent(case_no=new.case_no, kind=ProgressKind.STATUS, on=as_of, status=new.status))
    return out


def progress_by_case(*, session: Session, case_nos: Sequence[str] | None = None,
                     until: date | None = None) -> dict[str, list[ProgressEvent]]:
    """case_no -> its events in date order (`until`: on or before that day)."""
    out: dict[str, list[ProgressEvent]] = {}
    chunks: list[Sequence[str] | None] = [None] if case_nos is None else [
        case_nos[lo : lo + 5000] for lo in range(0, len(case_nos), 5000)]
    for chunk in chunks:
        q = select(ProgressRow)
        if chunk is not None:
            q = q.where(col(ProgressRow.case_no).in_(list(chunk)))
        if until is not None:
            q = q.where(ProgressRow.occurred_on <= until)
        for row in session.exec(q.order_by(col(ProgressRow.occurred_on), col(ProgressRow.id))):
            out.setdefault(row.case_no, []).append(row.event())
    return out
