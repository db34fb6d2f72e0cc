"""Progress events in (API batch and file import, one path): parse, check against the stored case, record.

Like case import, every row is either recorded (new, updated, unchanged) or rejected with its row number,
field and reason; good rows are stored even when others are rejected. A row is rejected when it does not
parse, names a case the store does not hold, or is dated after the evaluation day or before the case was filed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session

from assign import repository
from assign.errors import DataError, RowProblem
from assign.interchange import validation_problems
from assign.outcome_report import OutcomeReport
from assign.outcomes import ProgressEvent, Recorded, Source, record_progress

COLUMNS = ("case_no", "kind", "on", "measure", "result", "recovered", "status")


class ProgressImport(BaseModel):
    recorded: Recorded
    rejected: list[RowProblem] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


def ingest_progress(*, session: Session, rows: Sequence[Mapping[str, Any]], source: Source,
                    as_of: date) -> ProgressImport:
    parsed: list[tuple[int, ProgressEvent]] = []
    problems: list[RowProblem] = []
    for i, raw in enumerate(rows, start=1):
        clean = {k: v for k, v in raw.items() if v not in ("", None)}  # a CSV's empty cell is "not given"
        key = str(clean.get("case_no")) if clean.get("case_no") else None
        try:
            parsed.append((i, ProgressEvent.model_validate(clean)))
        except ValidationError as e:
            problems += validation_problems(i, e, key)
    filed = repository.case_filed_dates(session=session, case_nos=sorted({event.case_no for _, event in parsed}))
    good: list[ProgressEvent] = []
    for i, event in parsed:
        if event.case_no not in filed:
            problems.append(RowProblem(i, "case_no", "no such case in the store", event.case_no))
        elif event.on > as_of:
            problems.append(RowProblem(i, "on", f"{event.on} is after the evaluation date {as_of}", event.case_no))
        elif event.on < filed[event.case_no]:
            problems.append(RowProblem(i, "on", f"{event.on} is before the case was filed ({filed[event.case_no]})",
                                       event.case_no))
        else:
            good.append(event)
    recorded = record_progress(session=session, progress=good, source=source)
    rejected = [p.masked() for p in sorted(problems, key=lambda p: p.row or 0)]
    return ProgressImport(recorded=recorded, rejected=rejected)


def read_progress_file(path: Path) -> list[dict[str, Any]]:
    """Rows of a CSV (header: COLUMNS) or JSON (an array of events, or one event a line) file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not UTF-8 text: {e}") from None
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        unknown = sorted(set(reader.fieldnames or ()) - set(COLUMNS))
        if unknown or "case_no" not in (reader.fieldnames or ()):
            raise DataError(f"{path}: the header must name columns of {', '.join(COLUMNS)} (unknown: {unknown})")
        return [dict(r) for r in reader]
    try:
        stripped = text.lstrip()
        data = json.loads(text) if stripped.startswith("[") else [json.loads(x) for x in text.splitlines() if x.strip()]
    except json.JSONDecodeError as e:
        raise DataError(f"{path}: not valid JSON: {e}") from None
    if not all(isinstance(x, dict) for x in data):
        raise DataError(f"{path}: every item must be a JSON object (an event)")
    return list(data)


REPORT_COLUMNS = ("cases", "with_measure", "median_days_to_first_measure", "amount", "recovered", "recovery_rate",
                  "eligible_3m", "progressed_3m", "share_3m", "eligible_6m", "progressed_6m", "share_6m")


def report_csv(report: OutcomeReport) -> str:
    """One row per receiving court: its transferred cases, its own cases, and its province's transferred cases."""
    provinces = {p.province: p for p in report.provinces}
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["as_of", "court_code", "court_name", "province",
                     *(f"{side}_{c}" for side in ("transferred", "own", "province_transferred")
                       for c in REPORT_COLUMNS)])
    for row in report.courts:
        sides = (row.transferred, row.own, provinces[row.province].transferred)
        writer.writerow([report.as_of.isoformat(), row.court_code, row.court_name, row.province,
                         *("" if (v := getattr(f, c)) is None else v for f in sides for c in REPORT_COLUMNS)])
    return buf.getvalue()
