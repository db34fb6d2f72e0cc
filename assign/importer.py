"""Bulk case import: upsert by case_no, all valid rows in one transaction, read as a stream.

An import is all-or-nothing for its valid rows: the rows are written page by page
(`batch_size`) inside ONE transaction, so if the process dies mid-import the transaction
never commits and the store holds either the earlier state or the whole file, never half of
it. Memory does not grow with the file: records arrive one at a time (`import_stream`), a
page is written and dropped, and the case numbers seen so far (to report a repeated one with
the row it first appeared on) live in a temporary table of the same transaction, not in
Python. The report keeps exact counts, and at most `errors.KEEP_AT_MOST` case numbers per
kind and problems. Re-importing the same file changes nothing (rows whose content hash is
unchanged are counted as `unchanged` and not rewritten).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any, TypedDict, TypeVar, Unpack

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from assign.db import IMPORT_CACHE_MIB, page_cache, table_of, upsert
from assign.errors import ImportReport, RowProblem
from assign.fields import require_not_future
from assign.interchange import context_problems, duplicate_problem
from assign.models import CaseRow
from assign.network import CourtNetwork
from assign.outcomes import Source, progress_of_update, store_progress
from assign.repository import case_row_values
from assign.schemas import Case
from assign.stored_case import CHECKS_VERSION, read_case

T = TypeVar("T")
_TABLE = table_of(CaseRow)
_UPDATED_COLUMNS = [c.name for c in _TABLE.columns if c.name != "case_no"]


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def import_pages(engine: Engine, items: Iterable[tuple[int, T | list[RowProblem]]], *, seen: sa.Table,
                 store_page: Callable[[Connection, list[tuple[int, T | list[RowProblem]]], ImportReport], None],
                 batch_size: int, progress: Callable[[int], None] | None) -> ImportReport:
    """The one import loop (cases here, register records in `assign.registers`): a stream of (row, record
    or the row's problems) stored `batch_size` at a time by `store_page`, all in ONE transaction, with the
    keys seen so far in the temporary table `seen` (created and dropped here); problems in row order."""
    report = ImportReport()
    with engine.begin() as conn, page_cache(conn, IMPORT_CACHE_MIB):
        seen.drop(conn, checkfirst=True)  # a pooled connection may still hold one from an earlier import
        seen.create(conn)
        for chunk in _chunks(items, batch_size):
            store_page(conn, chunk, report)
            if progress:
                progress(len(chunk))
        seen.drop(conn)
    report.rejected.sort(key=lambda p: p.row or 0)
    return report


_SEEN = sa.Table("import_seen", sa.MetaData(), sa.Column("case_no", sa.String(64), primary_key=True),
                 sa.Column("row_no", sa.Integer, nullable=False), prefixes=["TEMPORARY"])
Item = tuple[int, Case | list[RowProblem]]


class ImportOptions(TypedDict, total=False):
    """How `import_stream` (and `import_cases`) works: `progress(n)` after each page of `batch_size` rows;
    `record_keys=False` keeps only counts in the report (for million-row imports)."""

    progress: Callable[[int], None] | None
    batch_size: int
    record_keys: bool


def import_cases(engine: Engine, cases: Iterable[Case], *, as_of: date | None, network: CourtNetwork | None,
                 **options: Unpack[ImportOptions]) -> ImportReport:
    """Store `cases` (already schema-valid; rows numbered 1..n) after the context checks; report every row."""
    return import_stream(engine, enumerate(cases, start=1), as_of=as_of, network=network, **options)


def import_stream(
    engine: Engine,
    items: Iterable[Item],
    *,
    as_of: date | None,
    network: CourtNetwork | None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 5000,
    record_keys: bool = True,
) -> ImportReport:
    """Store a stream of (row, Case or the row's problems): context checks, repeated case numbers
    (the first occurrence wins), upsert by case_no; every row in the report."""
    if as_of is not None:
        require_not_future(as_of)  # the no-future-date cutoff is never later than the server's today

    def store_page(conn: Connection, chunk: list[Item], report: ImportReport) -> None:
        _store_page(conn, chunk, report, as_of=as_of, network=network, record_keys=record_keys)

    return import_pages(engine, items, seen=_SEEN, store_page=store_page, batch_size=batch_size, progress=progress)


def _store_page(conn: Connection, chunk: list[Item], report: ImportReport, *, as_of: date | None,
                network: CourtNetwork | None, record_keys: bool) -> None:
    valid: list[tuple[int, Case]] = []
    for row, case in chunk:
        if isinstance(case, list):  # the row's validation problems
            report.reject(case)
            continue
        problems = context_problems(case, row, as_of=as_of, network=network)
        if problems:
            report.reject(problems)
        else:
            valid.append((row, case))
    numbers = list({case.case_no for _, case in valid})
    first: dict[str, int] = dict(conn.execute(select(_SEEN.c.case_no, _SEEN.c.row_no)
                                              .where(_SEEN.c.case_no.in_(numbers))).all())
    by_no: dict[str, dict[str, Any]] = {}
    accepted: dict[str, Case] = {}
    for row, case in valid:
        if case.case_no in first:
            report.reject([duplicate_problem(row, case.case_no, first[case.case_no])])
            continue
        first[case.case_no] = row
        by_no[case.case_no] = case_row_values(case)
        accepted[case.case_no] = case
    if not by_no:
        return
    conn.execute(_SEEN.insert(), [{"case_no": no, "row_no": first[no]} for no in by_no])
    found = conn.execute(select(_TABLE.c.case_no, _TABLE.c.content_hash, _TABLE.c.checks_version)
                         .where(_TABLE.c.case_no.in_(list(by_no))))
    existing: dict[str, str] = {}
    stale_checks: set[str] = set()  # unchanged, but checked under older checks: rewritten with the current stamp
    for no, old_hash, checks in found:
        existing[no] = old_hash
        if checks != CHECKS_VERSION:
            stale_checks.add(no)
    to_write = []
    for no, values in by_no.items():
        old_hash = existing.get(no)
        if old_hash == values["content_hash"]:
            kind = "unchanged"
            if no in stale_checks:
                to_write.append(values)
        else:
            kind = "stored" if old_hash is None else "updated"
            to_write.append(values)
        report.count(kind, no if record_keys else None)
    if to_write:
        changed = [accepted[no] for no in by_no if existing.get(no) not in (None, by_no[no]["content_hash"])]
        _record_progress(conn, changed, as_of)
        upsert(conn, _TABLE, to_write, key=["case_no"], update=_UPDATED_COLUMNS)


def _record_progress(conn: Connection, updated: list[Case], as_of: date | None) -> None:
    """An import that updates a stored case records the progress it carries, like PATCH (`assign.outcomes`)."""
    if not updated:
        return
    new = {c.case_no: c for c in updated}
    rows = conn.execute(select(_TABLE.c.case_no, _TABLE.c.data).where(_TABLE.c.case_no.in_(list(new))))
    progress = [e for no, data in rows if (old := read_case(no, data)) is not None
                for e in progress_of_update(old, new[no], as_of=as_of or date.today())]
    store_progress(conn, progress, Source.IMPORT)
