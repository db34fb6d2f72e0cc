"""Reads over one day's stored verdicts for the dispatcher's queue (`api/console/queue.py` shapes them).

Every filter runs in SQL (the cases' courts, outcomes, one court, age, part of a case number, a text
pre-filter on the verdict JSON), so a high court's screen over a large store reads only the rows it
shows; the counts by outcome are one GROUP BY. Verdict JSON is returned unparsed, the fired rules' texts put
back (`assign.stored_verdict`); the text pre-filter reads the stored form, where flags stay inline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from assign.models import CaseRow, VerdictRow
from assign.stored_verdict import verdict_json


@dataclass(frozen=True)
class QueuedVerdict:
    """A case's newest verdict of the day (the newest rulebook run), with the case's court and receipt day."""

    case_no: str
    outcome: str
    data: str  # the Verdict JSON
    court_code: str
    received_on: date


def latest_verdict_day(*, session: Session) -> date | None:
    """The newest day any verdict is stored for (None: no verdict yet)."""
    return session.exec(select(func.max(VerdictRow.as_of))).one()


def _of_day(stmt: Any, as_of: date, court_codes: Sequence[str] | None) -> Any:
    stmt = stmt.join(CaseRow, col(CaseRow.case_no) == col(VerdictRow.case_no)).where(col(VerdictRow.as_of) == as_of)
    return stmt if court_codes is None else stmt.where(col(CaseRow.court_code).in_(list(court_codes)))


def outcome_counts(*, session: Session, as_of: date, court_codes: Sequence[str] | None) -> dict[str, int]:
    """outcome -> how many cases (of these courts; None: every court) have a verdict with it on `as_of`."""
    stmt = _of_day(select(col(VerdictRow.outcome), func.count(sa.distinct(col(VerdictRow.case_no)))), as_of,
                   court_codes)
    return {outcome: int(n) for outcome, n in session.exec(stmt.group_by(col(VerdictRow.outcome))).all()}


def queued_verdicts(*, session: Session, as_of: date, court_codes: Sequence[str] | None, outcomes: Sequence[str],
                    court: str | None = None, received_by: date | None = None, case_no_part: str | None = None,
                    text: str | None = None) -> list[QueuedVerdict]:
    """Each case's newest verdict on `as_of` with one of `outcomes`, of the cases of `court_codes` (None: every
    court), of `court`, received on or before `received_by`, whose number contains `case_no_part`, whose
    verdict JSON contains `text` (a pre-filter: the caller checks the parsed verdict)."""
    # six columns: sqlalchemy's select (sqlmodel's is typed for at most four)
    stmt = _of_day(sa.select(col(VerdictRow.id), col(VerdictRow.case_no), col(VerdictRow.outcome), col(VerdictRow.data),
                             col(CaseRow.court_code), col(CaseRow.received_on)), as_of, court_codes)
    stmt = stmt.where(col(VerdictRow.outcome).in_(list(outcomes)))
    if court:
        stmt = stmt.where(CaseRow.court_code == court)
    if received_by is not None:
        stmt = stmt.where(col(CaseRow.received_on) <= received_by)
    if case_no_part:
        stmt = stmt.where(col(VerdictRow.case_no).contains(case_no_part))
    if text:
        stmt = stmt.where(col(VerdictRow.data).contains(text))
    newest: dict[str, tuple[int, QueuedVerdict]] = {}
    for row_id, case_no, outcome, data, court_code, received_on in session.exec(stmt).all():
        if case_no not in newest or newest[case_no][0] < row_id:  # one verdict per case (newest rulebook run)
            newest[case_no] = (row_id, QueuedVerdict(case_no, outcome, data, court_code, received_on))
    return [QueuedVerdict(v.case_no, v.outcome, verdict_json(session, v.data), v.court_code, v.received_on)
            for _, v in newest.values()]
