"""Asset register feeds (车辆, 不动产, 银行账户, 股权登记): the record, its table, and the import.

A register feed is one of four kinds of public register the command centre receives in bulk.
Each row says that a party holds (or held) one registered asset:

| field               | type                                   | meaning                                    |
|---------------------|----------------------------------------|--------------------------------------------|
| `record_id`         | id (1-64 of A-Z a-z 0-9 . - ( ))        | the registry's own id: the idempotency key |
| `party_id`          | id, as a party id in the case format   | the holder (matched against debtor ids)    |
| `asset_kind`        | vehicle, real_estate, bank_account, equity |                                        |
| `registered_on`     | date                                   | registered to the party on                 |
| `released_on`       | date or null                           | released/transferred on; null = still held |
| `registry`          | name (1-200 characters)                | the registering authority                  |
| `location_division` | 6-digit division code or null          | where the asset is registered              |
| `value`             | decimal >= 0 or null                   | value if known (yuan)                      |

Files are CSV (these columns; empty cell = null), a JSON array or JSON lines
(`assign.register_import`). An import works like the case import (`assign.importer`): every row is validated and
either stored (upsert by `record_id`) or reported (row, field, reason); all valid rows are written
in one transaction, page by page, read as a stream; re-importing the same file changes nothing
(`unchanged`). A `record_id` repeated within one file: the first row wins, the later is rejected.
The report lists no ids (counts and problems only), and problems are passed through
`mask_text`, so a party id never leaves unmasked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

import sqlalchemy as sa
from pydantic import ConfigDict
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Field, SQLModel

from assign.db import table_of, upsert
from assign.errors import ImportReport, RowProblem
from assign.fields import DateOrder, DatesInOrder, EventDate, Name, RecordId
from assign.importer import import_pages
from assign.interchange import validate_row
from assign.masking import mask_text
from assign.models import utcnow
from assign.schemas import DivisionCode, Money

COLUMNS = ("record_id", "party_id", "asset_kind", "registered_on", "released_on", "registry", "location_division",
           "value")
REQUIRED_COLUMNS = frozenset({"record_id", "party_id", "asset_kind", "registered_on", "registry"})


class RegisterKind(StrEnum):
    VEHICLE = "vehicle"
    REAL_ESTATE = "real_estate"
    BANK_ACCOUNT = "bank_account"
    EQUITY = "equity"

    @property
    def label_zh(self) -> str:
        """The asset the register records, as a document names it (机动车, 不动产, 银行账户, 股权)."""
        return {"vehicle": "机动车", "real_estate": "不动产", "bank_account": "银行账户", "equity": "股权"}[self.value]


class RegisterRecord(DatesInOrder):
    model_config = ConfigDict(extra="forbid", frozen=True)
    DATE_ORDER: ClassVar[DateOrder] = (("registered_on", "released_on"),)
    record_id: RecordId
    party_id: RecordId
    asset_kind: RegisterKind
    registered_on: EventDate
    released_on: EventDate | None = None
    registry: Name
    location_division: DivisionCode | None = None
    value: Money | None = None

    def held_on(self, day: date) -> bool:
        """Registered to the party at the end of `day` (a release on `day` ends the holding)."""
        return self.registered_on <= day and (self.released_on is None or self.released_on > day)


class RegisterRow(SQLModel, table=True):
    __tablename__ = "register_record"
    record_id: str = Field(primary_key=True, max_length=64)
    party_id: str = Field(index=True, max_length=64)  # the join key against case_record.debtor_id
    asset_kind: str = Field(max_length=16)
    registered_on: date
    released_on: date | None = None
    # `registry` is reserved on a declarative class: the column keeps the format's name
    registry_name: str = Field(sa_column=sa.Column("registry", sa.String(200), nullable=False))
    location_division: str | None = Field(default=None, max_length=6)
    value: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(20, 2), nullable=True))
    content_hash: str = Field(max_length=32)
    updated_at: datetime = Field(default_factory=utcnow)


_TABLE = table_of(RegisterRow)
_UPDATED = [c.name for c in _TABLE.columns if c.name != "record_id"]
_SEEN = sa.Table("register_import_seen", sa.MetaData(), sa.Column("record_id", sa.String(64), primary_key=True),
                 sa.Column("row_no", sa.Integer, nullable=False), prefixes=["TEMPORARY"])
Item = tuple[int, RegisterRecord | list[RowProblem]]


def validate_register_record(row: int, raw: dict[str, Any] | RowProblem) -> RegisterRecord | list[RowProblem]:
    """One raw record as a RegisterRecord, or its problems (empty CSV cells are absent fields)."""
    present = {k: v for k, v in raw.items() if v != ""} if isinstance(raw, dict) else raw
    return validate_row(RegisterRecord, row, present, what="register record", key_field="record_id")


def row_values(record: RegisterRecord) -> dict[str, Any]:
    """The table row: the fields read directly (no serialisation round: 5M rows a feed) and a hash of them."""
    values: dict[str, Any] = {"record_id": record.record_id, "party_id": record.party_id,
                              "asset_kind": record.asset_kind.value, "registered_on": record.registered_on,
                              "released_on": record.released_on, "registry": record.registry,
                              "location_division": record.location_division, "value": record.value}
    text = "\x1f".join("" if v is None else str(v) for v in values.values())
    return {**values, "content_hash": hashlib.sha256(text.encode()).hexdigest()[:32], "updated_at": utcnow()}


def import_register_stream(engine: Engine, items: Iterable[Item], *, batch_size: int = 5000,
                           progress: Callable[[int], None] | None = None) -> ImportReport:
    """Store a stream of (row, record or its problems): upsert by record_id, one transaction."""
    return import_pages(engine, items, seen=_SEEN, store_page=_store_page, batch_size=batch_size, progress=progress)


def _masked(problems: list[RowProblem]) -> list[RowProblem]:
    return [RowProblem(p.row, p.field, mask_text(p.reason), p.key) for p in problems]


def _store_page(conn: Connection, chunk: list[Item], report: ImportReport) -> None:
    ids = list({r.record_id for _, r in chunk if isinstance(r, RegisterRecord)})
    first: dict[str, int] = dict(conn.execute(sa.select(_SEEN.c.record_id, _SEEN.c.row_no)
                                              .where(_SEEN.c.record_id.in_(ids))).all())
    by_id: dict[str, dict[str, Any]] = {}
    for row, record in chunk:
        if isinstance(record, list):
            report.reject(_masked(record))
            continue
        if record.record_id in first:
            report.reject([RowProblem(row, "record_id", f"duplicate record_id in this input (first at row "
                                                        f"{first[record.record_id]})", record.record_id)])
            continue
        first[record.record_id] = row
        by_id[record.record_id] = row_values(record)
    if not by_id:
        return
    conn.execute(_SEEN.insert(), [{"record_id": i, "row_no": first[i]} for i in by_id])
    existing = dict(conn.execute(sa.select(_TABLE.c.record_id, _TABLE.c.content_hash)
                                 .where(_TABLE.c.record_id.in_(list(by_id)))).all())
    to_write = []
    for record_id, values in by_id.items():
        old = existing.get(record_id)
        if old == values["content_hash"]:
            report.count("unchanged", None)
        else:
            report.count("stored" if old is None else "updated", None)
            to_write.append(values)
    upsert(conn, _TABLE, to_write, key=["record_id"], update=_UPDATED)
