"""Reading stored case records back: the full check, and the trusted fast path of bulk passes.

A record is checked when it is written (import, PATCH, events: every writer goes through
`assign.repository.case_row_values`). Re-running every check on every read costs about a third of
the read in the store-wide pass (1M cases a night), mostly the Python-only checks of
`assign.fields` and the record validators: date bounds, date order, case-number shape,
invisible characters, period kinds, asset references.

Decision (issue 14):
- Every row carries `checks_version`: the version of the record checks (`CHECKS_VERSION`) it
  was validated under when written. Bump `CHECKS_VERSION` whenever a check is added or
  tightened: every row written before is then read with the full check again.
- A row is **trusted** when its `checks_version` is the current one and its `content_hash` is
  the hash of its JSON (`content_digest`): it is then exactly the text the service wrote after
  checking it. A record changed around the service (SQL, a restored dump, a bug) no longer
  matches its hash and gets the full check, so a year-9999 date written by hand is still
  reported as unreadable and skipped (issue 15 fault 1). A forger who recomputes the hash is
  out of scope: he can change the verdicts' tables as well.
- A trusted row is parsed by a validator built from `Case`'s own core schema with the
  Python-only checks left out (`_TRUSTED_SKIPS`, each a check that returns its input
  unchanged) and the digit limits of amounts (pydantic-core checks them by calling Python's
  `Decimal.as_tuple`); types, enums, lengths, patterns and required fields are still checked in
  pydantic-core, and the objects are the same `Case` instances. The nested models (parties,
  assets, measures, …) are validated by this schema too, not by their classes' own validators:
  pydantic-core would otherwise reuse each class's prebuilt validator, checks included
  (`_own_validators_only`). A trusted read calls no Python at all (a test holds it to that). If it fails all the same,
  the full check runs and names the problem. A validator that is not in `_TRUSTED_SKIPS`
  (e.g. one that transforms a value) makes building the fast path fail loudly, so a new one
  cannot be skipped by accident.
- Rows at an older (or no) version are brought to the current one by the store pass: a row that
  passes the full check is stamped (`stamp_checked`, compare-and-set on the hash it was read
  with) in the transaction that saves its verdict, so only the first night after an upgrade
  pays the full check. Dates bounded by the server's today only ever get looser as days pass,
  so a stamped row stays valid.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import sqlalchemy as sa
from pydantic import ValidationError
from pydantic_core import SchemaValidator
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import Session

from assign import fields
from assign.db import table_of
from assign.errors import DataError
from assign.masking import mask_text
from assign.models import CaseRow
from assign.schemas import Case

CHECKS_VERSION = 1  # bump when a record check is added or tightened (module docstring)


def content_digest(data: str | bytes) -> str:
    """The `content_hash` of a stored record's JSON (text, or its UTF-8 bytes)."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()[:32]


class utf8_bytes(sa.sql.functions.GenericFunction[bytes]):  # noqa: N801 - used as a SQL function
    """A text column's value as its UTF-8 bytes, converted by the database: the bulk readers fetch a record's
    JSON this way, so that neither the driver decodes it to a str nor the digest and the parser encode it back
    (2–8 µs of a 1.4 KB case's 35–60 µs fetch and read, bench/RESULTS.md). SQLite: `CAST(x AS BLOB)` (the
    text's own bytes: the database is UTF-8); PostgreSQL: `convert_to(x, 'UTF8')` (a plain cast to bytea
    would read backslashes as escapes)."""

    type = sa.LargeBinary()
    inherit_cache = True


@compiles(utf8_bytes)
def _utf8_bytes_sqlite(element: utf8_bytes, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS BLOB)"


@compiles(utf8_bytes, "postgresql")
def _utf8_bytes_postgresql(element: utf8_bytes, compiler: SQLCompiler, **kw: Any) -> str:
    return f"convert_to({compiler.process(element.clauses, **kw)}, 'UTF8')"


class StoredRecord(NamedTuple):
    """One `case_record` row as the bulk readers fetch it, unparsed: its JSON as text, or as UTF-8 bytes where
    the reader selects `utf8_bytes(CaseRow.data)` (`repository.case_records_between`: the store and alerts passes)."""

    case_no: str
    data: str | bytes
    content_hash: str
    checks_version: int | None

    @property
    def text(self) -> str:
        """The JSON as text, however it was fetched."""
        return self.data.decode() if isinstance(self.data, bytes) else self.data

    @property
    def trusted(self) -> bool:
        return self.checks_version == CHECKS_VERSION and self.content_hash == content_digest(self.data)


def read_case(case_no: str, data: str | bytes, unreadable: dict[str, str] | None = None) -> Case | None:
    """A stored record as a Case, every check run. A record that no longer validates (stored before a check
    existed, or written around the service) is a DataError naming the case, or, when the caller collects
    them in `unreadable` (case_no -> reason), reported there and skipped (None)."""
    try:
        return Case.model_validate_json(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        reason = f"the stored record no longer validates: {where}: {mask_text(first['msg'])}"
        if unreadable is None:
            raise DataError(f"case {case_no}: {reason}") from None
        unreadable[case_no] = reason
        return None


def read_stored(record: StoredRecord, unreadable: dict[str, str] | None = None,
                checked: list[StoredRecord] | None = None) -> Case | None:
    """`read_case` for a row of a bulk read: a trusted row (module docstring) by the fast path; any other
    row by the full check, and appended to `checked` when it passes (to be stamped: `stamp_checked`)."""
    if record.trusted:
        try:
            case: Case = _trusted_validator().validate_json(record.data)
            return case
        except ValidationError:
            pass  # the full check names the problem
    case_or_none = read_case(record.case_no, record.data, unreadable)
    if case_or_none is not None and checked is not None:
        checked.append(record)
    return case_or_none


def stamp_checked(*, session: Session, records: Sequence[StoredRecord]) -> int:
    """Mark rows that passed the full check as checked under `CHECKS_VERSION`, each only if it still holds
    what was read (its stored hash unchanged); the hash is set to the digest of the JSON that passed."""
    if not records:
        return 0
    table = table_of(CaseRow)
    stmt = (sa.update(table).where(table.c.case_no == sa.bindparam("no"), table.c.content_hash == sa.bindparam("old"))
            .values(checks_version=CHECKS_VERSION, content_hash=sa.bindparam("new")))
    session.execute(stmt, [{"no": r.case_no, "old": r.content_hash, "new": content_digest(r.data)} for r in records])
    return len(records)


def count_unstamped(*, session: Session) -> int:
    """How many stored rows are not stamped with the current checks (they get the full check until stamped)."""
    table = table_of(CaseRow)
    version = table.c.checks_version
    q = sa.select(sa.func.count()).select_from(table).where(sa.or_(version.is_(None), version != CHECKS_VERSION))
    return int(session.execute(q).scalar_one())


# ---------------------------------------------------------------- the trusted validator

# The checks a trusted row skips: each only raises or returns its input unchanged.
_TRUSTED_SKIPS: tuple[object, ...] = (
    fields.case_no_shape, fields.single_line, fields.free_text, fields.event_date, fields.deadline_date,
    fields.DatesInOrder._dates_in_order, Case._only_excluded_kinds, Case._only_other_kinds, Case._cross_field,
)
_FUNCTION_SCHEMAS = ("function-after", "function-before", "function-wrap", "function-plain")
_DECIMAL_CHECKS = ("max_digits", "decimal_places")  # checked through Python's Decimal.as_tuple: a call per amount


def _skippable(function: Any) -> bool:
    wanted = {getattr(f, "__func__", f) for f in _TRUSTED_SKIPS}
    return getattr(function, "__func__", function) in wanted


def _without_checks(schema: Any) -> Any:
    """`schema` (a pydantic core schema) with every `_TRUSTED_SKIPS` after-validator taken out."""
    if isinstance(schema, list):
        return [_without_checks(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("type") in _FUNCTION_SCHEMAS:
        function = schema["function"]["function"]
        if schema["type"] != "function-after" or not _skippable(function):
            raise TypeError(f"the trusted read of stored cases does not know the validator {function!r}: add it to "
                            "assign.stored_case._TRUSTED_SKIPS if it only checks, and bump CHECKS_VERSION")
        inner = _without_checks(schema["schema"])
        return {**inner, "ref": schema["ref"]} if "ref" in schema else inner
    # serializers and metadata are not validation: kept as they are
    return {key: value if key in ("serialization", "metadata") else _without_checks(value)
            for key, value in schema.items()
            if not (schema.get("type") == "decimal" and key in _DECIMAL_CHECKS)}


def _model_classes(schema: Any) -> set[type]:
    """Every model class `schema` builds."""
    if isinstance(schema, list):
        return set().union(*map(_model_classes, schema)) if schema else set()
    if not isinstance(schema, dict):
        return set()
    found: set[type] = {schema["cls"]} if schema.get("type") == "model" else set()
    return found.union(*(_model_classes(v) for k, v in schema.items() if k not in ("serialization", "metadata")))


@contextmanager
def _own_validators_only(classes: set[type]) -> Iterator[None]:
    """While a validator is built, pydantic-core must not reuse the classes' prebuilt validators for the
    nested models (it does for every complete model class it meets, and theirs run every check): it
    looks for `__pydantic_complete__` in the class's own `__dict__`, so that flag is lowered meanwhile.
    Built once per process, at the first trusted read."""
    flag = "__pydantic_complete__"
    complete = {cls: cls.__dict__[flag] for cls in classes if flag in cls.__dict__}
    try:
        for cls in complete:
            type.__setattr__(cls, flag, False)
        yield
    finally:
        for cls, was in complete.items():
            type.__setattr__(cls, flag, was)


@functools.cache
def _trusted_validator() -> SchemaValidator:
    schema = _without_checks(Case.__pydantic_core_schema__)
    with _own_validators_only(_model_classes(schema)):
        return SchemaValidator(schema)
