"""One family of named errors. `api.main` maps each family to one HTTP status.

- ``NotFound``        -> 404
- ``Conflict``        -> 409 (concurrent decision, job already running, lock held)
- ``DataError``       -> 422 (invalid input: bad rows, bad network, bad parameters)
- ``RulebookError``   -> 422 (defined here so rules/ and api/ share it without importing each other)
- ``AccessDenied``    -> 403
- ``TooMany``         -> 429 (a quota: queued/running jobs per key or per scope)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Annotated

from pydantic import Field

from assign.masking import mask_text


class AssignError(Exception):
    """Base of every error this service raises on purpose."""


class NotFound(AssignError):
    pass


class Conflict(AssignError):
    pass


class AccessDenied(AssignError):
    pass


class TooMany(AssignError):
    """A quota is full; retry once something finishes."""


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one input row: the one shape of a row problem, in the import and progress reports,
    the error body of every 422 and the CLI's output (the API's `RowProblem` component)."""

    row: Annotated[int | None, Field(description="1-based row (or case) number as the user counts them; "
                                                 "null for a problem of the request itself")]
    field: Annotated[str, Field(description="the offending field, dotted (`debtor.id`, `body.cases.0.court_code`)")]
    reason: Annotated[str, Field(description="what is wrong, for a human (party id numbers masked)")]
    key: Annotated[str | None, Field(description="the row's case number, register record id or court code, "
                                                 "when known (masked)")] = None

    def __str__(self) -> str:
        who = f" ({self.key})" if self.key else ""
        where = f"row {self.row}" if self.row is not None else "request"
        return f"{where}{who}: {self.field}: {self.reason}"

    def masked(self) -> RowProblem:
        """As it may leave the service: any party id number in the reason or key masked."""
        return replace(self, reason=mask_text(self.reason), key=mask_text(self.key) if self.key else None)


def problem_dicts(problems: list[RowProblem]) -> list[dict[str, object]]:
    """The JSON form of row problems (CLI `--json`, stored payloads), masked as in the API."""
    return [asdict(p.masked()) for p in problems]


class DataError(AssignError):
    """Invalid input. ``problems`` names each offending row and field when there are rows."""

    def __init__(self, message: str, problems: list[RowProblem] | None = None) -> None:
        self.problems: list[RowProblem] = list(problems or [])
        if self.problems:
            shown = "; ".join(str(p) for p in self.problems[:20])
            more = f" (+{len(self.problems) - 20} more)" if len(self.problems) > 20 else ""
            message = f"{message}: {shown}{more}"
        super().__init__(message)


class RulebookError(AssignError):
    """A rulebook that fails schema, fact, operator, id, coverage or engine-limit checks."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        self.details = list(details or [])
        if self.details:
            message = message + ":\n  - " + "\n  - ".join(self.details)
        super().__init__(message)


KEEP_AT_MOST = 10_000  # case numbers per kind, and problems, an import report lists (its counts stay exact)


@dataclass
class ImportReport:
    """Row-level outcome of an import: what was stored (new), updated, unchanged, rejected.

    Counts are always exact; the case numbers per kind (only when the importer records keys)
    and the problems are listed up to `KEEP_AT_MOST` each, so a million-row report stays small.
    """

    stored: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"stored": 0, "updated": 0, "unchanged": 0})
    rejected_total: int = 0  # rows rejected through `reject`

    def count(self, kind: str, key: str | None) -> None:
        self.counts[kind] += 1
        listed: list[str] = getattr(self, kind)
        if key is not None and len(listed) < KEEP_AT_MOST:
            listed.append(key)

    def reject(self, problems: list[RowProblem]) -> None:
        """One rejected row and its problems."""
        self.rejected_total += 1
        self.rejected.extend(problems[: max(0, KEEP_AT_MOST - len(self.rejected))])

    @property
    def rejected_rows(self) -> int:
        return max(self.rejected_total, len({p.row for p in self.rejected}))

    @property
    def ok(self) -> bool:
        return not self.rejected

    def as_dict(self) -> dict[str, object]:
        return {
            **self.counts,
            "rejected": self.rejected_rows,
            "stored_case_nos": self.stored,
            "updated_case_nos": self.updated,
            "unchanged_case_nos": self.unchanged,
            "problems": problem_dicts(self.rejected),
        }
