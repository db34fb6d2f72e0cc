"""Bulk case import: upsert by case_no, all valid rows in one transaction.

An import is all-or-nothing for its valid rows: if the process dies mid-import the
transaction never commits, so the store holds either the earlier state or the whole
file, never half of it. Re-importing the same file changes nothing (rows whose content
hash is unchanged are counted as `unchanged` and not rewritten).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Engine

from assign.db import table_of, upsert
from assign.errors import ImportReport, RowProblem
from assign.fields import require_not_future
from assign.interchange import context_problems
from assign.models import CaseRow
from assign.network import CourtNetwork
from assign.repository import case_row_values
from assign.schemas import Case

T = TypeVar("T")
_TABLE = table_of(CaseRow)
_UPDATED_COLUMNS = [c.name for c in _TABLE.columns if c.name != "case_no"]


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def import_cases(
    engine: Engine,
    cases: Iterable[Case],
    *,
    as_of: date | None,
    network: CourtNetwork | None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 5000,
    rows: Iterable[int] | None = None,
    record_keys: bool = True,
    prior_problems: Iterable[RowProblem] = (),
) -> ImportReport:
    """Store `cases` (already schema-valid) after the context checks; report every row.

    `rows` gives each case's row number in its source file (defaults to 1..n);
    `prior_problems` are parse problems of the same file, carried into the report.
    `record_keys=False` keeps only counts (for million-row imports).
    """
    if as_of is not None:
        require_not_future(as_of)  # the no-future-date cutoff is never later than the server's today
    report = ImportReport(rejected=list(prior_problems))
    row_numbers = iter(rows) if rows is not None else None
    counter = 0
    with engine.begin() as conn:
        for chunk in _chunks(cases, batch_size):
            valid: list[dict[str, Any]] = []
            for case in chunk:
                counter += 1
                row = next(row_numbers) if row_numbers is not None else counter
                problems = context_problems(case, row, as_of=as_of, network=network)
                if problems:
                    report.rejected.extend(problems)
                    continue
                valid.append(case_row_values(case))
            by_no = {v["case_no"]: v for v in valid}  # a repeated case_no in one chunk: the last wins
            keys = _TABLE.c.case_no.in_(list(by_no))
            found = conn.execute(select(_TABLE.c.case_no, _TABLE.c.content_hash).where(keys))
            existing: dict[str, str] = {no: h for no, h in found}
            to_write = []
            for no, values in by_no.items():
                old_hash = existing.get(no)
                if old_hash == values["content_hash"]:
                    kind = "unchanged"
                else:
                    kind = "stored" if old_hash is None else "updated"
                    to_write.append(values)
                report.count(kind, no if record_keys else None)
            if to_write:
                upsert(conn, _TABLE, to_write, key=["case_no"], update=_UPDATED_COLUMNS)
            if progress:
                progress(len(chunk))
    report.rejected.sort(key=lambda p: p.row)
    return report
