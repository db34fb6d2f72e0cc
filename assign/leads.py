"""Restoration leads (恢复执行线索): the model, its table, the debtor-id join and the stored queue.

A lead is identified by (case, register record). `matched_pairs` finds every pair of an open or
终本 case and a register record of its debtor by ONE SQL join on the indexed debtor id
(`case_record.debtor_id` = `register_record.party_id`), left-joined to the stored leads (the
day each was first raised, and what it said), streamed in case order; of each matched case the
database extracts the few parts the lead rules read (`lead_cases`), so no case's JSON is parsed whole:
the register is never walked per case. Only the leads that are new or changed are
written (`unchanged`: a stored active lead whose JSON is the same but for the pass's day is
not); `save_lead_values` upserts them a page at a time (the first-seen date is kept, so the
action window runs from when a lead was first raised); `finish_pass` then resolves the leads
active before the pass that it no longer found (the asset was recorded, the case concluded)
and dates every lead still active to the pass in one statement. New leads
are published as `leads.raised` events, one per court and page (webhooks fire per court; the
join is ordered by court so a court's new leads are published together).
The debtor's id is stored and shown masked only; the register keeps the id itself.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Field, Session, SQLModel

from assign import events
from assign.construct import built, check_buildable
from assign.db import court_queue_page, json_parts, table_of, upsert
from assign.models import CaseRow, utcnow
from assign.registers import COLUMNS, RegisterKind, RegisterRecord, RegisterRow
from assign.schemas import Case, CaseStatus

EVENT_KIND = "leads.raised"
EVENT_CHUNK = 500


class LeadState(StrEnum):
    AWAITING_ACTION = "awaiting_action"
    ACTED_ON = "acted_on"
    CROSS_ENFORCEMENT_CANDIDATE = "cross_enforcement_candidate"


class Lead(BaseModel):
    model_config = ConfigDict(frozen=True)
    case_no: str
    court_code: str  # the enforcing court, which has to act
    forum: str | None  # 上一级: where a cross-enforcement candidate goes
    kind: str  # restoration (终本 case) | new_asset (open case)
    basis: str  # registered_after_ruling | held_at_ruling | held_unrecorded (rules/leads.py)
    legal_basis: str
    ruled_on: date | None  # the 终本 ruling
    record: RegisterRecord
    as_of: date
    first_seen_on: date
    act_by: date  # the last day to act (first_seen_on + ASSIGN_LEAD_ACTION_DAYS)
    acted_on: date | None
    state: LeadState

    @property
    def key(self) -> tuple[str, str]:
        return (self.case_no, self.record.record_id)


class LeadRow(SQLModel, table=True):
    __tablename__ = "restoration_lead"
    __table_args__ = (sa.UniqueConstraint("case_no", "record_id", name="uq_restoration_lead_case_record"),
                      sa.Index("ix_restoration_lead_active_court", "active", "court_code"))
    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(index=True, max_length=128)
    record_id: str = Field(max_length=64)
    court_code: str = Field(max_length=32)
    forum: str | None = Field(default=None, max_length=32)
    kind: str = Field(max_length=16)
    state: str = Field(index=True, max_length=32)
    asset_kind: str = Field(max_length=16)
    value: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(20, 2), nullable=True))
    first_seen_on: date
    as_of: date  # the last pass that found it
    pass_id: str = Field(max_length=32)
    active: bool = True
    resolved_on: date | None = None
    data: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class _Id(NamedTuple):
    id: str


class _Ruling(NamedTuple):
    ruled_on: date


class _Entrusted(NamedTuple):
    to_court: str


@dataclass(frozen=True, slots=True)
class LeadCase:
    """The fields of a case the lead rules read, shaped as the case format names them (`case.debtor.id`,
    `case.zhongben.ruled_on`), but for the recorded assets' ids as one set and the measures' days (what the rules
    ask of them: a set per case, not per pair; no object per asset or measure). The pass reads them out of the
    stored JSON in the database (`lead_cases`): parsing every matched case whole was most of a national pass."""

    case_no: str
    court_code: str
    status: CaseStatus
    debtor: _Id
    asset_ids: frozenset[str] = frozenset()
    measure_days: tuple[date, ...] = ()
    zhongben: _Ruling | None = None
    restored_on: date | None = None
    entrusted: _Entrusted | None = None

    @classmethod
    def of(cls, case: Case) -> LeadCase:
        return cls(case_no=case.case_no, court_code=case.court_code, status=case.status, debtor=_Id(case.debtor.id),
                   asset_ids=frozenset(a.id for a in case.assets), measure_days=tuple(m.on for m in case.measures),
                   zhongben=_Ruling(case.zhongben.ruled_on) if case.zhongben else None, restored_on=case.restored_on,
                   entrusted=_Entrusted(case.entrusted.to_court) if case.entrusted else None)

    @property
    def enforcing_court(self) -> str:
        """The court whose 上一级 is the forum: the entrusted court for an entrusted case (as `forum_of`)."""
        return self.entrusted.to_court if self.entrusted else self.court_code


_CASES, _REG, _LEADS = table_of(CaseRow), table_of(RegisterRow), table_of(LeadRow)
check_buildable(Lead, RegisterRecord)  # the pass builds them


class StoredLead(NamedTuple):
    """The stored lead of a matched pair, as the pass needs it to keep or skip it."""

    id: int
    first_seen_on: date
    active: bool
    data: str  # read for an active lead only (an inactive one is written again anyway)


Pair = tuple[LeadCase, RegisterRecord, StoredLead | None]


_MATCHED = [CaseStatus.OPEN.value, CaseStatus.ZHONGBEN.value]  # the statuses a lead pass reads


CourtUnit = tuple[str | None, str | None]  # first <= court_code < last; None: unbounded on that side


def court_units(codes: Iterable[str], courts_per_unit: int) -> list[CourtUnit]:
    """Consecutive ranges of court codes, `courts_per_unit` of `codes` (the network's courts) in each, covering
    every code (the first and last are open-ended, so a stored case of a court the network lacks is still read):
    the work units of a pass over several processes (`matched_pairs(courts=...)`). A court is never split, so
    each unit gives whole courts' new leads and their events are the ones a single pass gives. No query: counting
    the cases per court read every open and 终本 case's row before any unit could start."""
    bounds = sorted(set(codes))[courts_per_unit::courts_per_unit]
    return list(zip([None, *bounds], [*bounds, None], strict=True))


def matched_pairs(conn: Connection, *, page: int = 5000, courts: CourtUnit = (None, None)) -> Iterator[list[Pair]]:
    """Pages of (case, register record of its debtor, the stored lead of the pair or None), for every
    open and 终本 case (of the courts `first <= court_code < last` if `courts`, a unit of `court_units`):
    one join, streamed in (court, case_no) order, so a court's new leads arrive together.

    The join carries the keys and the register's columns only: the database sorts narrow rows (the
    case JSON and a stored lead's JSON would make every sorted row kilobytes wide); a page's cases
    (the parts of each the lead rules read, `lead_cases`) and stored leads are then read by primary key."""
    q = (sa.select(_CASES.c.case_no, *(_REG.c[c] for c in COLUMNS), _LEADS.c.id, _LEADS.c.first_seen_on,
                   _LEADS.c.active)
         .select_from(_REG.join(_CASES, _CASES.c.debtor_id == _REG.c.party_id)
                      .outerjoin(_LEADS, sa.and_(_LEADS.c.case_no == _CASES.c.case_no,
                                                 _LEADS.c.record_id == _REG.c.record_id)))
         .order_by(_CASES.c.court_code, _CASES.c.case_no, _REG.c.record_id))
    first, last = courts
    if first is None and last is None:
        return _pages(conn, q.where(_CASES.c.status.in_(_MATCHED)), page)
    # `status || ''` is no index term: SQLite walks the (court_code, case_no, status, debtor_id) index over the
    # range, reading no case row (migration 0015), instead of the (status, debtor_id) index, which would read every
    # open and 终本 case's row for its court in every unit
    q = q.where((_CASES.c.status + "").in_(_MATCHED))
    q = q.where(_CASES.c.court_code >= first) if first is not None else q
    return _pages(conn, q.where(_CASES.c.court_code < last) if last is not None else q, page)


def _pages(conn: Connection, q: sa.Select[Any], page: int) -> Iterator[list[Pair]]:
    """`matched_pairs` of the join `q`, `page` rows at a time."""
    result = conn.execution_options(stream_results=True, yield_per=page).execute(q)
    for rows in result.partitions(page):
        cases = lead_cases(conn, {r[0] for r in rows})
        stored = _by_key(conn, _LEADS.c.id, _LEADS.c.data, {r[9] for r in rows if r[9] is not None and r[11]})
        out: list[Pair] = []
        for row in rows:
            record = built(RegisterRecord, {
                "record_id": row[1], "party_id": row[2], "asset_kind": _KINDS[row[3]], "registered_on": row[4],
                "released_on": row[5], "registry": row[6], "location_division": row[7], "value": row[8]})
            lead = (StoredLead(int(row[9]), row[10], bool(row[11]), stored.get(row[9], ""))
                    if row[9] is not None else None)
            out.append((cases[row[0]], record, lead))
        yield out


def _by_key(conn: Connection, key: sa.ColumnElement[Any], data: sa.ColumnElement[Any], keys: set[Any],
            chunk: int = 2000) -> dict[Any, str]:
    """key -> data of the rows with those keys (the pass's reads by primary key)."""
    found: dict[Any, str] = {}
    ordered = sorted(keys)
    for lo in range(0, len(ordered), chunk):
        found.update((k, d) for k, d in conn.execute(sa.select(key, data).where(key.in_(ordered[lo : lo + chunk]))))
    return found


_KINDS = {k.value: k for k in RegisterKind}
# the parts of a stored case the lead rules read besides its columns (LeadCase), in `_lead_case`'s order
_CASE_PARTS = (("assets",), ("measures",), ("zhongben", "ruled_on"), ("restored_on",), ("entrusted", "to_court"))


def lead_cases(conn: Connection, case_nos: set[str], chunk: int = 2000) -> dict[str, LeadCase]:
    """case_no -> the lead view of each named case: its columns and the parts of its JSON the rules read,
    extracted by the database (`json_parts`): parsing each case whole was most of a national pass."""
    q = _lead_case_query(conn)
    found: dict[str, LeadCase] = {}
    ordered = sorted(case_nos)
    for lo in range(0, len(ordered), chunk):
        for row in conn.execute(q.where(_CASES.c.case_no.in_(ordered[lo : lo + chunk]))):
            found[row[0]] = _lead_case(row)
    return found


def _lead_case_query(conn: Connection) -> sa.Select[Any]:
    """The columns `_lead_case` reads, of every stored case (the caller narrows it)."""
    parts = json_parts(conn.dialect.name, _CASES.c.data, _CASE_PARTS)
    return sa.select(_CASES.c.case_no, _CASES.c.court_code, _CASES.c.status, _CASES.c.debtor_id, parts)


def _lead_case(row: Sequence[Any]) -> LeadCase:
    """A LeadCase from a row of `_lead_case_query` (a test holds it equal to `LeadCase.of`)."""
    case_no, court_code, status, debtor_id, parts = row
    assets, measures, ruled_on, restored_on, entrusted_to = json.loads(parts)
    return LeadCase(case_no, court_code, CaseStatus(status), _Id(debtor_id),
                    frozenset([a["id"] for a in assets]) if assets else frozenset(),
                    tuple([date.fromisoformat(m["on"]) for m in measures]) if measures else (),
                    _Ruling(date.fromisoformat(ruled_on)) if ruled_on is not None else None,
                    date.fromisoformat(restored_on) if restored_on is not None else None,
                    _Entrusted(entrusted_to) if entrusted_to is not None else None)


def debtor_ids(engine: Engine) -> list[str]:
    """The distinct debtor ids of the open and 终本 cases, sorted (the ids a lead pass can match)."""
    q = (sa.select(_CASES.c.debtor_id).distinct()
         .where(_CASES.c.status.in_(_MATCHED)).order_by(_CASES.c.debtor_id))
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(q)]


def zhongben_rulings(engine: Engine) -> dict[str, date]:
    """Debtor id -> the latest 终本 ruling among its 终本 cases (for a synthetic register feed)."""
    latest: dict[str, date] = {}
    with engine.connect() as conn:
        for row in conn.execute(_lead_case_query(conn).where(_CASES.c.status == CaseStatus.ZHONGBEN.value)):
            zb = _lead_case(row).zhongben
            debtor = row[3]
            if zb is not None and (debtor not in latest or zb.ruled_on > latest[debtor]):
                latest[debtor] = zb.ruled_on
    return latest


def lead_values(lead: Lead, pass_id: str) -> dict[str, Any]:
    return {"case_no": lead.case_no, "record_id": lead.record.record_id, "court_code": lead.court_code,
            "forum": lead.forum, "kind": lead.kind, "state": lead.state.value,
            "asset_kind": lead.record.asset_kind.value, "value": lead.record.value,
            "first_seen_on": lead.first_seen_on, "as_of": lead.as_of, "pass_id": pass_id, "active": True,
            "resolved_on": None, "data": lead.model_dump_json(), "updated_at": utcnow()}


_UPDATED = ["court_code", "forum", "kind", "state", "asset_kind", "value", "as_of", "pass_id", "active",
            "resolved_on", "data", "updated_at"]  # never first_seen_on


_AS_OF = '"as_of":"'  # the key as a lead's JSON spells it; a string value cannot hold it unescaped


def _without_as_of(data: str) -> str:
    at = data.find(_AS_OF)
    return data if at < 0 else data[:at] + data[at + len(_AS_OF) + 10 :]


def unchanged(stored: StoredLead | None, values: dict[str, Any]) -> bool:
    """The stored lead is active and says what the pass found, but for the day of the pass: nothing to write
    (a national register gives hundreds of thousands of leads a night; most are yesterday's)."""
    return (stored is not None and stored.active
            and _without_as_of(stored.data) == _without_as_of(str(values["data"])))


def save_lead_values(conn: Connection | Session, values: Sequence[dict[str, Any]]) -> None:
    """Upsert a page of `lead_values` rows (a stored lead keeps its first-seen date)."""
    upsert(conn, _LEADS, values, key=["case_no", "record_id"], update=_UPDATED)


def active_lead_ids(conn: Connection | Session) -> set[int]:
    """The ids of the active leads (before a pass writes: what it must find again or resolve)."""
    return {int(i) for i in conn.execute(sa.select(_LEADS.c.id).where(_LEADS.c.active == sa.true())).scalars()}


def finish_pass(conn: Connection | Session, *, active_before: set[int], found: set[int], as_of: date) -> int:
    """Resolve the leads active before the pass that it did not find again; every lead still active was
    found by the pass: its `as_of` (the last pass that found it) becomes the pass's day, one statement
    (an unchanged lead's JSON keeps the day it last changed). Returns how many were resolved."""
    gone = [{"row_id": i} for i in sorted(active_before - found)]
    now = utcnow()
    if gone:
        conn.execute(_LEADS.update().where(_LEADS.c.id == sa.bindparam("row_id"))
                     .values(active=False, resolved_on=as_of, updated_at=now), gone)
    conn.execute(_LEADS.update().where(_LEADS.c.active == sa.true()).where(_LEADS.c.as_of != as_of)
                 .values(as_of=as_of))
    return len(gone)


def lead_events(leads: Sequence[Lead]) -> list[events.NewEvent]:
    """The `leads.raised` events of new leads: one per court and EVENT_CHUNK leads."""
    by_court: dict[str, list[Lead]] = defaultdict(list)
    memo: dict[str, str] = {}
    for lead in leads:
        by_court[lead.court_code].append(lead)
    out: list[events.NewEvent] = []
    for court in sorted(by_court):
        for lo in range(0, len(by_court[court]), EVENT_CHUNK):
            chunk = by_court[court][lo : lo + EVENT_CHUNK]
            digest = hashlib.sha256("|".join(f"{a}:{b}" for a, b in (x.key for x in chunk)).encode()).hexdigest()[:16]
            payload: dict[str, Any] = {
                "idempotency_key": f"leads:{chunk[0].as_of.isoformat()}:{court}:{digest}", "court_code": court,
                "as_of": chunk[0].as_of.isoformat(), "count": len(chunk),
                "leads": [public_view(x, include_record_id=False, memo=memo) for x in chunk]}
            out.append(events.NewEvent(EVENT_KIND, f"{court}: {len(chunk)} new leads", payload))
    return out


def publish_events(conn: Connection | Session, new: Sequence[events.NewEvent | events.EncodedEvent]) -> int:
    """Publish `new` (`lead_events`) in one batch. Returns how many."""
    session = conn if isinstance(conn, Session) else Session(bind=conn)
    published = len(events.publish_many(session=session, items=new))
    if session is not conn:
        session.flush()
    return published


def public_view(lead: Lead, *, include_record_id: bool = True, memo: dict[str, str] | None = None) -> dict[str, Any]:
    """A lead as every output shows it: the debtor's id masked (outputs never carry it whole). `memo`: a batch's
    strings masked once each (`mask_strings`)."""
    from assign.masking import mask_id, mask_strings

    data: dict[str, Any] = lead.model_dump(mode="json")
    data["record"]["party_id"] = mask_id(data["record"]["party_id"])
    if not include_record_id:
        data["record"].pop("record_id")
    return dict(mask_strings(data, memo))


def list_leads(*, session: Session, court_codes: Sequence[str] | None = None, state: str | None = None,
               kind: str | None = None, active: bool = True, after: int = 0, limit: int = 100) -> list[LeadRow]:
    """Stored leads after the cursor (id order), filtered; `court_codes` None = every court."""
    return court_queue_page(session, LeadRow, court_codes=court_codes, active=active, after=after, limit=limit,
                            state=state, kind=kind)


def payload_of(row: LeadRow) -> dict[str, Any]:
    out = public_view(Lead.model_validate_json(row.data))
    out.update({"id": row.id, "as_of": row.as_of.isoformat(), "active": row.active,
                "resolved_on": row.resolved_on.isoformat() if row.resolved_on
                else None})
    return out

