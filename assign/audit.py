"""The append-only, hash-chained audit log of verdicts, plans and decisions.

Each record's hash covers its own fields and the previous record's hash, so editing,
deleting or reordering any record breaks the chain at that record (`verify`).

Appends never fork the chain: a writer first bumps the chain's row in `log_head` with an
UPDATE, which holds that row's lock (PostgreSQL) or the database write lock (SQLite)
until the transaction ends. The next writer waits there, then reads the new head. `seq`
is also the primary key, so even a writer that skipped the lock could not fork the chain,
only fail. `append_many` claims a run of sequence numbers with one such UPDATE and links
the run's records to each other in order (the API's group commit: many requests' records
in one transaction).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Field, Session, SQLModel, col, select

from assign.db import table_of
from assign.models import utcnow

GENESIS_HASH = "0" * 64
AUDIT_CHAIN = "audit"
SUBJECT_LEN = 200  # the subject column of both logs (audit_record.subject, event.subject)


class LogHead(SQLModel, table=True):
    """The last sequence number (and hash) of one append-only log: 'audit' or 'events'."""

    __tablename__ = "log_head"
    name: str = Field(primary_key=True, max_length=16)
    last_seq: int = 0
    last_hash: str = Field(default=GENESIS_HASH, max_length=64)


class AuditRecord(SQLModel, table=True):
    __tablename__ = "audit_record"
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    kind: str = Field(index=True, max_length=32)  # verdicts | plan | decision | ...
    subject: str = Field(index=True, max_length=SUBJECT_LEN)  # what it is about: plan id, recommendation id, ...
    actor: str = Field(default="", max_length=64)  # "key:<id>" or "cli"
    created_at: str = Field(max_length=40)  # ISO text, so the hashed value round-trips exactly
    payload: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


@dataclass(frozen=True)
class ChainItem:
    """One record to append to a numbered log (this audit log or `assign.events`): what it is, what it
    is about, and its payload, with the two as both logs store them."""

    kind: str
    subject: str
    payload: dict[str, Any]

    @property
    def stored_subject(self) -> str:
        return self.subject[:SUBJECT_LEN]

    @property
    def payload_text(self) -> str:
        """The payload as canonical JSON text (sorted keys, so the audit hash of a payload is one value)."""
        return json.dumps(self.payload, ensure_ascii=False, sort_keys=True, default=str)


def record_hash(*, seq: int, kind: str, subject: str, actor: str, created_at: str, payload: str, prev_hash: str) -> str:
    body = json.dumps([seq, kind, subject, actor, created_at, payload, prev_hash], ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


_HEAD = table_of(LogHead)
# Built once: building a statement costs more than running it on the hot path.
_BUMP = (sa.update(_HEAD).where(_HEAD.c.name == sa.bindparam("chain"))
         .values(last_seq=_HEAD.c.last_seq + sa.bindparam("count", type_=sa.Integer))
         .returning(_HEAD.c.last_seq, _HEAD.c.last_hash))
_SET_HASH = sa.update(_HEAD).where(_HEAD.c.name == sa.bindparam("chain")).values(last_hash=sa.bindparam("value"))
_INSERT_RECORDS = sa.insert(table_of(AuditRecord))


def next_seq(*, session: Session | Connection, chain: str, count: int = 1) -> tuple[int, str]:
    """Claim the next `count` sequence numbers of `chain` (locks its head until commit):
    (the first claimed seq, the hash of the record before it)."""
    params = {"chain": chain, "count": count}
    row = session.execute(_BUMP, params).first()
    if row is None:  # a database created without the migration's head rows
        dialect = session.get_bind().dialect if isinstance(session, Session) else session.dialect
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]  # same on_conflict API
        session.execute(insert(_HEAD).values(name=chain, last_seq=0, last_hash=GENESIS_HASH)
                        .on_conflict_do_nothing(index_elements=["name"]))
        row = session.execute(_BUMP, params).one()
    return int(row[0]) - count + 1, str(row[1])


def set_head_hash(*, session: Session | Connection, chain: str, value: str) -> None:
    session.execute(_SET_HASH, {"chain": chain, "value": value})


def append(*, session: Session, kind: str, subject: str, payload: dict[str, Any], actor: str = "") -> AuditRecord:
    """Add one record at the end of the chain in the caller's transaction."""
    seq, prev = next_seq(session=session, chain=AUDIT_CHAIN)
    entry = Entry(kind, subject, payload, actor)
    text, subject, created = entry.payload_text, entry.stored_subject, utcnow().isoformat()
    digest = record_hash(seq=seq, kind=kind, subject=subject, actor=actor, created_at=created, payload=text,
                         prev_hash=prev)
    row = AuditRecord(seq=seq, kind=kind, subject=subject, actor=actor, created_at=created, payload=text,
                      prev_hash=prev, hash=digest)
    session.add(row)
    session.flush()
    set_head_hash(session=session, chain=AUDIT_CHAIN, value=digest)
    return row


@dataclass(frozen=True)
class Entry(ChainItem):
    """One audit record to append: a chain item and who did it."""

    actor: str = ""


def append_many(*, session: Session | Connection, entries: Sequence[Entry]) -> list[int]:
    """Append `entries` in order, as one run of the chain, in the caller's transaction: their seqs."""
    if not entries:
        return []
    first, prev = next_seq(session=session, chain=AUDIT_CHAIN, count=len(entries))
    rows: list[dict[str, Any]] = []
    for seq, e in enumerate(entries, start=first):
        text, subject, created = e.payload_text, e.stored_subject, utcnow().isoformat()
        digest = record_hash(seq=seq, kind=e.kind, subject=subject, actor=e.actor, created_at=created, payload=text,
                             prev_hash=prev)
        rows.append({"seq": seq, "kind": e.kind, "subject": subject, "actor": e.actor, "created_at": created,
                     "payload": text, "prev_hash": prev, "hash": digest})
        prev = digest
    session.execute(_INSERT_RECORDS, rows)
    set_head_hash(session=session, chain=AUDIT_CHAIN, value=prev)
    return [r["seq"] for r in rows]


def list_records(*, session: Session, after: int = 0, limit: int = 100, kind: str | None = None,
                 subject: str | None = None) -> list[AuditRecord]:
    q = select(AuditRecord).where(AuditRecord.seq > after)
    if kind:
        q = q.where(AuditRecord.kind == kind)
    if subject:
        q = q.where(AuditRecord.subject == subject)
    return list(session.exec(q.order_by(col(AuditRecord.seq)).limit(limit)).all())


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify(session: Session, *, batch_size: int = 2000) -> ChainBreak | None:
    """The first broken link of the chain, or None when every record checks out."""
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    while True:
        rows = session.exec(select(AuditRecord).where(AuditRecord.seq >= expected_seq)
                            .order_by(col(AuditRecord.seq)).limit(batch_size)).all()
        for r in rows:
            if r.seq != expected_seq:
                return ChainBreak(expected_seq, f"record {expected_seq} is missing (next present is {r.seq})")
            if r.prev_hash != expected_prev:
                return ChainBreak(r.seq, f"record {r.seq} does not link to record {r.seq - 1} (prev_hash differs)")
            recomputed = record_hash(seq=r.seq, kind=r.kind, subject=r.subject, actor=r.actor,
                                     created_at=r.created_at, payload=r.payload, prev_hash=r.prev_hash)
            if recomputed != r.hash:
                return ChainBreak(r.seq, f"record {r.seq} was altered (its content no longer matches its hash)")
            expected_seq, expected_prev, checked = r.seq + 1, r.hash, checked + 1
        if len(rows) < batch_size:
            break
    head = session.get(LogHead, AUDIT_CHAIN)
    if head is not None and head.last_seq >= expected_seq:
        return ChainBreak(expected_seq, f"records {expected_seq}..{head.last_seq} are missing from the end")
    return None


def count_records(*, session: Session) -> int:
    head = session.get(LogHead, AUDIT_CHAIN)
    return head.last_seq if head else 0
