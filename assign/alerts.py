"""Node alerts (期限规定 step limits, closing deadline, 终本 queries): the model and its table.

An alert is identified by (case, node, last day allowed): a new lead checked late, a new
missed 终本 window or an extension that moves the closing deadline is a new alert. A stored
pass upserts the alerts it found, publishes the new ones as events (one `alerts.raised` event
per court and pass, so webhooks fire once per court, not once per case), and marks resolved
the active alerts of the cases it covered that no longer fire (the case was concluded, the
deadline extended, the 终本 restored); the writes are `assign.alert_saves`. The court is the
enforcing court's code: officers are not in the format, and an alert never names one.

Stored once, read as of the day last seen (issue 17: a national night finds ~777k alerts, nearly all
found the night before too). Two values of an alert change with nothing but the day it is seen on:
`as_of`, and, while its node is still not done past its last day (state `overdue`: the closing
deadline, the 终本 queries), `days_overdue`, then always the days from its last day allowed to `as_of`
(`days_past`). A row's `data` is the alert WITHOUT them (`stored_data`), its `as_of` column the day of
the last pass that found it, and the one reader `alert_fields` puts them back: the alert exactly as
that pass computed it. So a night writes an alert's row only when what it stores changes (new, court,
severity, rules, the node's dates, the ruleset, revived, resolved), and of an unchanged one only its
`as_of` (`assign.alert_saves`). Rows stored before this (their `data` the whole alert) read the same
(the values put back equal theirs) and are rewritten once, by the first pass that finds them again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

import pydantic_core
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlmodel import Field, Session, SQLModel, col, select

from assign.db import court_queue_page
from assign.models import utcnow
from assign.schemas import RulebookVersion

EVENT_KIND = "alerts.raised"


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


OVERDUE = "overdue"  # a node still not done after its last day: its days overdue grow with the day it is seen on
_SEEN_DAY: set[str] = {"as_of"}  # left out of a stored alert (`stored_data`): the row's as_of column holds it
_SEEN_DAY_OVERDUE: set[str] = {"as_of", "days_overdue"}


def days_past(due_on: date, as_of: date) -> int:
    """The days overdue on `as_of` of a node still not done whose last day allowed is `due_on`."""
    return as_of.toordinal() - due_on.toordinal()


def stored_data(alert: Alert) -> str:
    """What a row stores of `alert` (`data`): its JSON without the values of the day it was seen on."""
    return alert.model_dump_json(exclude=_SEEN_DAY_OVERDUE if alert.state == OVERDUE else _SEEN_DAY)


def _json_text(text: str) -> str:
    """`text` as pydantic writes it in JSON: a printable string without quote or backslash as it is
    (pydantic escapes only those and control characters), any other through pydantic itself."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return pydantic_core.to_json(text).decode()


def _json_day(day: date | None) -> str:
    return "null" if day is None else f'"{day.isoformat()}"'


@dataclass(frozen=True)
class AlertKind:
    """What the alerts of one node fired by the same rules under one ruleset version share, and the
    `stored_data` text of it, cut once from pydantic's own dump of such an alert: `values` writes an
    alert's `AlertValues` from its case's values without building the `Alert` and dumping it (a
    national night writes ~777k of them; the same text: tests/alerts/test_alert_kinds.py)."""

    node: str
    node_zh: str
    severity: Severity
    limit_zh: str
    label_zh: str
    legal_basis: str
    rule_ids: tuple[str, ...]
    ruleset: RulebookVersion
    _node_json: str = field(init=False, repr=False, compare=False)  # ,"node":…,"node_zh":…
    _severity_json: str = field(init=False, repr=False, compare=False)  # ,"severity":…,"limit_zh":…
    _tail_json: str = field(init=False, repr=False, compare=False)  # ,"label_zh":… to the end
    _severity_value: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sample = stored_data(self.alert("-", "-", date.min, "late", None, None, None, 0))
        cut = [sample.index(f',"{name}":') for name in ("node", "state", "severity", "trigger_on", "label_zh")]
        object.__setattr__(self, "_node_json", sample[cut[0] : cut[1]])  # JSON text: `,"name":` is a key
        object.__setattr__(self, "_severity_json", sample[cut[2] : cut[3]])
        object.__setattr__(self, "_tail_json", sample[cut[4] :])
        object.__setattr__(self, "_severity_value", self.severity.value)

    def alert(self, case_no: str, court_code: str, as_of: date, state: str, trigger_on: date | None,
              due_on: date | None, done_on: date | None, days_overdue: int) -> Alert:
        # validated: with pydantic 2.14 that is faster than model_construct (≈ 7 µs against 16 per alert)
        return Alert(case_no=case_no, court_code=court_code, as_of=as_of, node=self.node, node_zh=self.node_zh,
                     state=state, severity=self.severity, limit_zh=self.limit_zh, trigger_on=trigger_on,
                     due_on=due_on, done_on=done_on, days_overdue=days_overdue, label_zh=self.label_zh,
                     legal_basis=self.legal_basis, rule_ids=list(self.rule_ids), ruleset=self.ruleset)

    def values(self, case_no: str, court_code: str, state: str, trigger_on: date | None, due_on: date | None,
               done_on: date | None, days_overdue: int) -> AlertValues:
        """`AlertValues.of(self.alert(…))`, written directly (the alert's as_of is not part of it)."""
        days = "" if state == OVERDUE else f',"days_overdue":{days_overdue}'
        data = (f'{{"case_no":{_json_text(case_no)},"court_code":{_json_text(court_code)}{self._node_json}'
                f',"state":{_json_text(state)}{self._severity_json},"trigger_on":{_json_day(trigger_on)}'
                f',"due_on":{_json_day(due_on)},"done_on":{_json_day(done_on)}{days}{self._tail_json}')
        return AlertValues(RaisedAlert(case_no, self.node, due_on, court_code, self._severity_value, days_overdue,
                                       self.legal_basis), data)


def alert_fields(data: str, seen_on: date) -> dict[str, Any]:
    """The one reader of a row's `data`: the alert (JSON values, in `Alert`'s field order) as the pass of
    `seen_on` (the row's as_of, the last pass that found it) computed it."""
    values: dict[str, Any] = json.loads(data)
    values["as_of"] = seen_on.isoformat()
    if values["state"] == OVERDUE:
        values["days_overdue"] = days_past(date.fromisoformat(values["due_on"]), seen_on)
    return {name: values[name] for name in Alert.model_fields}


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
    days_overdue: int = 0  # on the day the row was last written (grows while OVERDUE: read `alert_fields`)
    as_of: date  # the last pass that found it
    first_seen_on: date
    active: bool = True
    resolved_on: date | None = None
    data: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # `stored_data`: read it with `alert_fields`
    updated_at: datetime = Field(default_factory=utcnow)  # when what it stores last changed (not its as_of)
    # False while its `alerts.raised` event is still to be published (`save_range_alerts`: a store pass
    # stores its ranges' alerts as it goes and publishes the new ones at its end)
    published: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})

    def alert(self) -> Alert:
        return Alert.model_validate(alert_fields(self.data, self.as_of))


class RaisedAlert(NamedTuple):
    """What the `alerts.raised` event says of a new alert: its values without the stored JSON (a store
    pass's workers send the night's new ones to the main process, which publishes them)."""

    case_no: str
    node: str
    due_on: date | None
    court_code: str
    severity: str
    days_overdue: int
    legal_basis: str

    @property
    def key(self) -> tuple[str, str, date | None]:
        return (self.case_no, self.node, self.due_on)


class AlertValues(NamedTuple):
    """One alert as the table and its event need it, serialized once, in the process that found it
    (tuples: a national night moves hundreds of thousands between processes)."""

    event: RaisedAlert  # the values the table's columns and the `alerts.raised` event hold
    data: str  # what the row stores of the alert (`stored_data`)

    @classmethod
    def of(cls, alert: Alert) -> AlertValues:
        return cls(RaisedAlert(alert.case_no, alert.node, alert.due_on, alert.court_code, alert.severity.value,
                               alert.days_overdue, alert.legal_basis), stored_data(alert))

    @property
    def key(self) -> tuple[str, str, date | None]:
        return self.event.key


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
    out = alert_fields(row.data, row.as_of)
    out.update({"id": row.id, "first_seen_on": row.first_seen_on.isoformat(), "active": row.active,
                "resolved_on": row.resolved_on.isoformat() if row.resolved_on else None})
    return out
