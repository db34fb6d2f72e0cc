"""Reading register feed files (CSV, JSON array, JSON lines) as a stream into `import_register_stream`.

The record schema is documented in `assign.registers`. A CSV must have the required columns
(record_id, party_id, asset_kind, registered_on, registry); extra columns are a row problem
(the schema forbids unknown fields), so a misspelt optional column is never silently ignored.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TextIO

from sqlalchemy.engine import Engine

from assign.errors import DataError, ImportReport, NotFound, RowProblem, problem_dicts
from assign.interchange import csv_rows, iter_records, open_source
from assign.registers import REQUIRED_COLUMNS, import_register_stream, validate_register_record

Raw = tuple[int, dict[str, Any] | RowProblem]


def iter_register_csv(stream: TextIO) -> Iterator[Raw]:
    for n, raw in csv_rows(stream, REQUIRED_COLUMNS):
        if isinstance(raw, RowProblem):
            yield n, raw
            return
        if None in raw:
            yield n, RowProblem(n, "-", "more cells than header columns", raw.get("record_id"))
            continue
        yield n, {k: v for k, v in raw.items() if v not in (None, "")}


def import_register_file(engine: Engine, source: str | Path | bytes | IO[bytes], *, fmt: str | None = None,
                         progress: Callable[[int], None] | None = None) -> ImportReport:
    """Parse and store a register file as a stream: bad rows reported, valid rows upserted, one transaction."""
    if isinstance(source, Path) and not source.exists():
        raise NotFound(f"no file {source}")
    try:
        with open_source(source, fmt) as (stream, kind):
            raws = iter_records(stream, kind, iter_register_csv)
            items = ((row, validate_register_record(row, raw)) for row, raw in raws)
            return import_register_stream(engine, items, progress=progress)
    except UnicodeDecodeError as e:
        raise DataError(f"the input is not UTF-8 text: {e}") from None
    except csv.Error as e:  # the header itself unreadable (a row's quoting is a row problem)
        raise DataError(f"not valid CSV: {e}") from None


def report_dict(report: ImportReport) -> dict[str, Any]:
    """The API/CLI shape: counts and problems (`RowProblem`, key = record_id, masked); no ids listed."""
    return {**report.counts, "rejected": report.rejected_rows, "problems": problem_dicts(report.rejected)}
