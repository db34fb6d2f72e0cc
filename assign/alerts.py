"""Node alerts (期限规定 step limits, closing deadline, 终本 queries): the model and its table.

An alert is identified by (case, node, last day allowed): a new lead checked late, a new
missed 终本 window or an extension that moves the closing deadline is a new alert. A stored
pass upserts the alerts it found, publishes the new ones as events (one `alerts.raised` event
per court and pass, so webhooks fire once per court, not once per case), and marks resolved
the active alerts of the cases it covered that no longer fire (the case was concluded, the
deadline extended, the 终本 restored). The court is the enforcing court's code: officers are
not in the format, and an alert never names one.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlmodel import Field, Session, SQLModel, col, select

from assign import events
from assign.db import court_queue_page, table_of
from assign.models import utcnow
from assign.schemas import RulebookVersion

EVENT_KIND = "alerts.raised"
EVENT_CHUNK = 500  # alerts per event payload
WRITE_CHUNK = 5_000  # rows per executemany


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2}


class Alert(BaseModel):
    """One node of one case past its limit on `as_of`."""

    model_config = ConfigDict(frozen=True)
    case_no: str
    court_code: str  # the court it concerns (the enforcing court), never an officer
    as_of: date
    node: str  # e.g. officer_assignment, closing_deadline (rules/alert_facts.py NODES)
    node_zh: str
    state: str  # late (done after the limit) | overdue (still not done: closing deadline, 终本 query)
    severity: Severity
    limit_zh: str  # the limit in words, e.g. 立案后7日内确定承办人
    trigger_on: date | None  # the day the limit runs from (not counted)
    due_on: date | None  # the last day allowed
    done_on: date | None  # when it was done (null while overdue)
    days_overdue: int
    label_zh: str  # the label of the highest-severity rule that fired
    legal_basis: str  # the article
    rule_ids: list[str]
    ruleset: RulebookVersion

    @property
    def key(self) -> tuple[str, str, date | None]:
        return (self.case_no, self.node, self.due_on)


class AlertRow(SQLModel, table=True):
    __tablename__ = "node_alert"
    __table_args__ = (sa.UniqueConstraint("case_no", "node", "due_on", name="uq_node_alert_case_node_due"),
                      sa.Index("ix_node_alert_active_court", "active", "court_code"))
    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(index=True, max_length=128)
    node: str = Field(index=True, max_length=32)
    due_on: date | None = None
    court_code: str = Field(max_length=32)
    severity: str = Field(index=True, max_length=8)
    days_overdue: int = 0
    as_of: date  # the last pass that found it
    first_seen_on: date
    active: bool = True
    resolved_on: date | None = None
    data: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)

    def alert(self) -> Alert:
        return Alert.model_validate_json(self.data)


class AlertValues(NamedTuple):
    """One alert as the table and its event need it, serialized once, in the process that found it
    (a tuple: a national night moves hundreds of thousands between processes)."""

    case_no: str
    node: str
    due_on: date | None
    court_code: str
    severity: str
    days_overdue: int
    legal_basis: str
    data: str  # the Alert as JSON

    @classmethod
    def of(cls, alert: Alert) -> AlertValues:
        return cls(alert.case_no, alert.node, alert.due_on, alert.court_code, alert.severity.value,
                   alert.days_overdue, alert.legal_basis, alert.model_dump_json())

    @property
    def key(self) -> tuple[str, str, date | None]:
        return (self.case_no, self.node, self.due_on)


def save_alerts(*, session: Session, as_of: date, alerts: Sequence[Alert],
                court_codes: Sequence[str] | None = None) -> dict[str, int]:
    """`save_alert_values` of `alerts`."""
    return save_alert_values(session=session, as_of=as_of, alerts=[AlertValues.of(a) for a in alerts],
                             court_codes=court_codes)


def save_alert_values(*, session: Session, as_of: date, alerts: Sequence[AlertValues],
                      court_codes: Sequence[str] | None = None) -> dict[str, int]:
    """Upsert `alerts`; resolve the active alerts of the pass's courts (None: every court) that no
    longer fire; publish the new ones. Returns counts: new, updated, resolved, events.

    Written with one executemany per statement (a national night stores hundreds of thousands)."""
    table = table_of(AlertRow)
    found = {a.key: a for a in alerts}
    key_cols = (table.c.id, table.c.case_no, table.c.node, table.c.due_on)
    q = sa.select(*key_cols).where(table.c.active == sa.true())
    if court_codes is not None:
        q = q.where(table.c.court_code.in_(list(court_codes)))
    active = {(n, k, d): i for i, n, k, d in session.execute(q)}
    revived: dict[tuple[str, str, date | None], int] = {}
    case_nos = sorted({k[0] for k in found if k not in active})  # only a key not active now can be revived
    for lo in range(0, len(case_nos), 5000):  # resolved earlier, firing again
        q = sa.select(*key_cols).where(table.c.active == sa.false()).where(
            table.c.case_no.in_(case_nos[lo : lo + 5000]))
        revived.update({(n, k, d): i for i, n, k, d in session.execute(q) if (n, k, d) in found})
    now = utcnow()
    by_id = table.c.id == sa.bindparam("row_id")
    cols = ("court_code", "severity", "days_overdue", "as_of", "active", "resolved_on", "data", "updated_at")
    update = table.update().where(by_id).values({c: sa.bindparam(c) for c in cols})
    counts = {"new": 0, "updated": 0}
    new: list[AlertValues] = []
    items = list(found.items())
    for lo in range(0, len(items), WRITE_CHUNK):  # rows built and written a chunk at a time: bounded memory
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for key, alert in items[lo : lo + WRITE_CHUNK]:
            values = {"court_code": alert.court_code, "severity": alert.severity,
                      "days_overdue": alert.days_overdue, "as_of": as_of, "active": True, "resolved_on": None,
                      "data": alert.data, "updated_at": now}
            row_id = active.get(key) or revived.get(key)
            if row_id is None:
                inserts.append({**values, "case_no": alert.case_no, "node": alert.node, "due_on": alert.due_on,
                                "first_seen_on": as_of})
            else:
                updates.append({**values, "row_id": row_id})
            if key not in active:
                new.append(alert)  # never seen, or raised again after being resolved
        if inserts:
            session.execute(table.insert(), inserts)
        if updates:
            session.execute(update, updates)
        counts["new"] += len(inserts)
        counts["updated"] += len(updates)
    resolved = [{"row_id": i, "resolved_on": as_of, "updated_at": now} for k, i in active.items() if k not in found]
    if resolved:
        session.execute(table.update().where(by_id).values(
            active=False, resolved_on=sa.bindparam("resolved_on"), updated_at=sa.bindparam("updated_at")), resolved)
    events_published = publish_new(session=session, as_of=as_of, alerts=new)
    session.flush()
    return {**counts, "resolved": len(resolved), "events": events_published}


def publish_new(*, session: Session, as_of: date, alerts: Sequence[AlertValues]) -> int:
    """One `alerts.raised` event per court (chunked), listing its new alerts in case order (nodes in
    process order within a case), whatever order the pass found them in."""
    by_court: dict[str, list[AlertValues]] = defaultdict(list)
    for a in sorted(alerts, key=lambda a: a.case_no):  # stable: a case's nodes keep their order
        by_court[a.court_code].append(a)
    new: list[events.NewEvent] = []
    for court in sorted(by_court):
        batch = by_court[court]
        for lo in range(0, len(batch), EVENT_CHUNK):
            chunk = batch[lo : lo + EVENT_CHUNK]
            payload: dict[str, Any] = {
                "idempotency_key": f"alerts:{as_of.isoformat()}:{court}:{_digest(chunk)}",
                "as_of": as_of.isoformat(), "court_code": court, "count": len(chunk),
                "alerts": [{"case_no": a.case_no, "node": a.node, "severity": a.severity,
                            "due_on": a.due_on.isoformat() if a.due_on else None,
                            "days_overdue": a.days_overdue, "legal_basis": a.legal_basis} for a in chunk],
            }
            new.append(events.NewEvent(EVENT_KIND, f"{court}: {len(chunk)} new", payload))
    return len(events.publish_many(session=session, items=new))


def _digest(alerts: Sequence[AlertValues]) -> str:
    """The same new alerts give the same key (a rerun publishes nothing new anyway)."""
    text = "|".join(f"{a.case_no}:{a.node}:{a.due_on}" for a in alerts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def list_alerts(*, session: Session, court_codes: Sequence[str] | None = None, node: str | None = None,
                severity: str | None = None, active: bool = True, after: int = 0, limit: int = 100) -> list[AlertRow]:
    """Stored alerts after the cursor (id order), filtered; `court_codes` None = every court."""
    return court_queue_page(session, AlertRow, court_codes=court_codes, active=active, after=after, limit=limit,
                            node=node, severity=severity)


def alert_counts(*, session: Session, court_codes: Sequence[str] | None = None) -> list[tuple[str, str, str, int]]:
    """(court, node, severity, count) of the active alerts."""
    q = (select(AlertRow.court_code, AlertRow.node, AlertRow.severity, sa.func.count())
         .where(AlertRow.active == True))  # noqa: E712
    if court_codes is not None:
        q = q.where(col(AlertRow.court_code).in_(list(court_codes)))
    rows = session.exec(q.group_by(AlertRow.court_code, AlertRow.node, AlertRow.severity)).all()
    return [(c, n, s, int(k)) for c, n, s, k in rows]


def payload_of(row: AlertRow) -> dict[str, Any]:
    """The API shape of a stored alert: the alert plus its id and lifecycle."""
    out: dict[str, Any] = json.loads(row.data)
    out.update({"id": row.id, "first_seen_on": row.first_seen_on.isoformat(), "active": row.active,
                "resolved_on": row.resolved_on.isoformat() if row.resolved_on else None})
    return out
