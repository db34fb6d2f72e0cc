"""Reading and writing cases in the interchange format (JSON array, JSON lines, CSV).

Parsing never stops at the first bad row: every invalid row is reported with its row
number (1-based position of the record in the file), the field and the reason, and every
valid row is returned. Context checks that need the evaluation date and the court network
(dates after the evaluation date, unknown court codes, duplicate case numbers in one
file) run in the same pass.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, TextIO, TypeVar

from pydantic import BaseModel, ValidationError

from assign.errors import DataError, RowProblem
from assign.json_stream import json_line_records, json_records, looks_like_json_lines
from assign.network import CourtNetwork
from assign.schemas import Case

# Case fields that are lists or objects: in CSV they are JSON in one cell.
NESTED_FIELDS = (
    "debtor", "applicant", "assets", "measures", "excluded_periods", "other_periods", "supervision_orders",
    "zhongben", "entrusted", "application", "petitions", "interference_reports", "related_case_nos",
    "process",
)
CSV_COLUMNS = [
    "case_no", "court_code", "obligation", "non_litigation", "received_on", "filed_on", "amount", "recovered",
    "status", "debtor", "applicant", "assets", "measures", "excluded_periods", "other_periods", "supervision_orders",
    "zhongben", "restored_on", "entrusted", "application", "petitions", "interference_reports", "officer_conflict",
    "related_case_nos", "process",
]
ModelT = TypeVar("ModelT", bound=BaseModel)
_FIELD_PREFIX = re.compile(r"^(?:Value error, )?([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+)*) ")


@dataclass
class ParsedCases:
    cases: list[Case] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # row number of each valid case
    problems: list[RowProblem] = field(default_factory=list)


def _loc_to_field(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_problems(row: int, err: ValidationError, key: str | None) -> list[RowProblem]:
    problems = []
    for e in err.errors():
        fld = _loc_to_field(tuple(e["loc"]))
        msg = str(e["msg"])
        if e["type"] == "value_error":
            msg = msg.removeprefix("Value error, ")
            m = _FIELD_PREFIX.match(msg)
            if m and not fld:
                fld = m.group(1)
        problems.append(RowProblem(row, fld or "-", msg, key))
    return problems


def context_problems(case: Case, row: int, *, as_of: date | None, network: CourtNetwork | None) -> list[RowProblem]:
    """Checks that need the evaluation date or the network."""
    problems = []
    if as_of is not None:
        latest = case.latest_date()
        if latest > as_of:
            problems.append(RowProblem(row, "dates", f"a date ({latest}) is after the evaluation date {as_of}",
                                       case.case_no))
    if network is not None:
        for path, code in case.court_codes().items():
            if code not in network:
                problems.append(RowProblem(row, path, f"unknown court code {code!r}", case.case_no))
    return problems


def validate_row(model: type[ModelT], row: int, raw: dict[str, Any] | RowProblem, *, what: str,
                 key_field: str) -> ModelT | list[RowProblem]:
    """One raw record of an import (a case, a register record) as `model`, or its problems: the reader's
    own problem for the row as it is, a record that is not an object as one problem, a validation error
    as one problem a field, named by the record's `key_field` when that is a non-empty string (cut to 64)."""
    if isinstance(raw, RowProblem):
        return [raw]
    if not isinstance(raw, dict):
        return [RowProblem(row, "-", f"a {what} must be a JSON object")]
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        key = raw.get(key_field)
        return validation_problems(row, e, key[:64] if isinstance(key, str) and key else None)


def validate_record(row: int, rec: dict[str, Any] | RowProblem) -> Case | list[RowProblem]:
    """One raw record as a Case, or its problems (schema only: context checks need the date and network)."""
    return validate_row(Case, row, rec, what="case", key_field="case_no")


def check_cases(cases: Sequence[Case], *, as_of: date | None, network: CourtNetwork | None) -> list[RowProblem]:
    """What a list of already-parsed cases must still pass before it is evaluated (the checks
    `validate_records` makes after parsing): dates against `as_of`, known courts, unique case
    numbers. Rows count from 1 in input order."""
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    for row, case in enumerate(cases, start=1):
        problems += context_problems(case, row, as_of=as_of, network=network)
        if case.case_no in first_row:
            problems.append(duplicate_problem(row, case.case_no, first_row[case.case_no]))
        first_row.setdefault(case.case_no, row)
    return problems


def validate_records(
    records: Iterable[tuple[int, dict[str, Any] | RowProblem]],
    *,
    as_of: date | None = None,
    network: CourtNetwork | None = None,
) -> ParsedCases:
    """Validate raw records (row number, dict) into Cases, collecting every problem (in memory:
    for files a command evaluates; an import streams through `assign.importer.import_stream`)."""
    out = ParsedCases()
    first_row: dict[str, int] = {}
    for row, rec in records:
        case = validate_record(row, rec)
        if isinstance(case, list):
            out.problems.extend(case)
            continue
        extra = context_problems(case, row, as_of=as_of, network=network)
        if case.case_no in first_row:
            extra.append(duplicate_problem(row, case.case_no, first_row[case.case_no]))
        if extra:
            out.problems.extend(extra)
            continue
        first_row[case.case_no] = row
        out.cases.append(case)
        out.rows.append(row)
    return out


def duplicate_problem(row: int, case_no: str, first: int) -> RowProblem:
    return RowProblem(row, "case_no", f"duplicate case_no in this input (first at row {first})", case_no)


# ---------------------------------------------------------------- readers


def csv_rows(stream: TextIO, required: Iterable[str]) -> Iterator[tuple[int, dict[Any, Any] | RowProblem]]:
    """The rows of a CSV whose header names every `required` column, numbered from 1 (DataError
    otherwise); an unreadable row ends the file with a RowProblem (the cases' and the registers' CSV)."""
    reader = csv.DictReader(stream)
    missing = set(required) - set(reader.fieldnames or [])
    if missing:
        raise DataError(f"CSV header lacks required columns: {', '.join(sorted(missing))}")
    n = 0
    while True:
        n += 1
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as e:  # e.g. a quote never closed: the rest of the file cannot be split into rows
            yield n, RowProblem(n, "-", f"unreadable CSV from this row on (line {reader.line_num}): {e}")
            return
        yield n, raw


def iter_csv_records(stream: TextIO) -> Iterator[tuple[int, dict[str, Any] | RowProblem]]:
    """CSV with the format's field names as columns; lists and objects as JSON in one cell."""
    required = ("case_no", "court_code", "obligation", "received_on", "filed_on", "debtor", "applicant")
    for n, raw in csv_rows(stream, required):
        if isinstance(raw, RowProblem):
            yield n, raw
            return
        rec: dict[str, Any] = {}
        bad: RowProblem | None = None
        for k, v in raw.items():
            if k is None:
                bad = RowProblem(n, "-", "more cells than header columns", raw.get("case_no"))
                break
            if v is None or v == "":
                continue
            if k in NESTED_FIELDS:
                try:
                    rec[k] = json.loads(v)
                except json.JSONDecodeError as e:
                    bad = RowProblem(n, k, f"cell is not valid JSON: {e.msg}", raw.get("case_no"))
                    break
                except RecursionError:
                    bad = RowProblem(n, k, "cell is JSON nested too deeply", raw.get("case_no"))
                    break
            else:
                rec[k] = v
        yield n, (bad or rec)


def iter_records(
    stream: IO[bytes], fmt: str,
    csv_records: Callable[[TextIO], Iterator[tuple[int, dict[str, Any] | RowProblem]]] = iter_csv_records,
) -> Iterator[tuple[int, dict[str, Any] | RowProblem]]:
    """The raw records of a case file read as a stream: `fmt` 'csv', 'jsonl', or 'json' (a JSON array,
    {"cases": [...]}, one case, or JSON lines, told apart by the first line). `csv_records` reads the CSV
    rows (another record kind's columns: the register feeds)."""
    if stream.read(3) != b"\xef\xbb\xbf":  # a UTF-8 byte order mark is skipped
        stream.seek(0)
    if fmt == "csv":
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n")  # a bare CR in a cell stays an error
        try:
            yield from csv_records(text)
        finally:
            text.detach()
        return
    if fmt not in ("json", "jsonl"):
        raise DataError(f"unknown case format {fmt!r} (json, jsonl or csv)")
    if fmt == "jsonl" or looks_like_json_lines(stream):
        yield from json_line_records(stream)
    else:
        yield from json_records(stream)


@contextmanager
def open_source(source: str | Path | bytes | IO[bytes], fmt: str | None) -> Iterator[tuple[IO[bytes], str]]:
    """A seekable byte stream and its format for a file path, in-memory text/bytes or an open binary file."""
    if isinstance(source, (str, Path)) and (isinstance(source, Path) or (fmt is None and "\n" not in source
                                                                        and Path(source).exists())):
        path = Path(source)
        with path.open("rb") as f:
            yield f, fmt or ("csv" if path.suffix.lower() == ".csv" else "json")
        return
    if isinstance(source, (str, bytes)):
        data = source.encode() if isinstance(source, str) else source
        yield io.BytesIO(data), fmt or ("json" if data.lstrip().lstrip(b"\xef\xbb\xbf")[:1] in (b"[", b"{") else "csv")
        return
    yield source, fmt or "json"


def read_cases(
    source: str | Path | bytes, *, fmt: str | None = None, as_of: date | None = None,
    network: CourtNetwork | None = None,
) -> ParsedCases:
    """Parse a file path or in-memory text/bytes. `fmt`: 'json', 'jsonl', 'csv' (guessed from the suffix)."""
    with open_source(source, fmt) as (stream, kind):
        return validate_records(iter_records(stream, kind), as_of=as_of, network=network)


# ---------------------------------------------------------------- writers


def case_to_csv_row(case: Case) -> dict[str, str]:
    d = case.model_dump(mode="json")
    row: dict[str, str] = {}
    for k in CSV_COLUMNS:
        v = d.get(k)
        if v is None:
            row[k] = ""
        elif k in NESTED_FIELDS:
            row[k] = json.dumps(v, ensure_ascii=False, separators=(",", ":"))
        elif isinstance(v, bool):
            row[k] = "true" if v else "false"
        else:
            row[k] = str(v)
    return row


def write_cases(cases: Iterable[Case], stream: TextIO, fmt: str) -> int:
    """Stream cases as 'json' (array), 'jsonl' or 'csv'. Returns how many were written."""
    n = 0
    if fmt == "csv":
        w = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\n")
        w.writeheader()
        for c in cases:
            w.writerow(case_to_csv_row(c))
            n += 1
    elif fmt == "jsonl":
        for c in cases:
            stream.write(c.model_dump_json() + "\n")
            n += 1
    elif fmt == "json":
        stream.write("[")
        for c in cases:
            stream.write(("\n" if n == 0 else ",\n") + c.model_dump_json())
            n += 1
        stream.write("\n]\n")
    else:
        raise DataError(f"unknown case format {fmt!r} (json, jsonl or csv)")
    return n
