"""The dispatcher's queue: the latest verdicts of a jurisdiction that need action.

Filtering happens in SQL (outcome, court, age, case number, a text pre-filter on the flag)
so a high court's screen over a large store reads only the rows it shows; counts by outcome
are one GROUP BY. Verdict JSON is parsed only for the rows that pass the SQL filters.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import distinct
from sqlmodel import Session, col, func, select

from api.console.labels import ACTION_OUTCOMES
from api.console.lookup import current_recommendations
from assign.models import CaseRow, VerdictRow
from assign.schemas import Verdict

MAX_ROWS = 500


def latest_as_of(session: Session) -> date | None:
    return session.exec(select(func.max(VerdictRow.as_of))).one()


def _scoped(stmt: Any, as_of: date, scope: list[str] | None) -> Any:
    stmt = stmt.join(CaseRow, col(CaseRow.case_no) == col(VerdictRow.case_no)).where(col(VerdictRow.as_of) == as_of)
    return stmt if scope is None else stmt.where(col(CaseRow.court_code).in_(scope))


def outcome_counts(session: Session, as_of: date, scope: list[str] | None) -> dict[str, int]:
    stmt = _scoped(select(col(VerdictRow.outcome), func.count(distinct(col(VerdictRow.case_no)))), as_of, scope)
    return {outcome: int(n) for outcome, n in session.exec(stmt.group_by(col(VerdictRow.outcome))).all()}


def queue(*, session: Session, scope: list[str] | None, outcome: str | None = None, flag: str | None = None,
          court: str | None = None, min_age_days: int | None = None, q: str | None = None) -> dict[str, Any]:
    as_of = latest_as_of(session)
    if as_of is None:
        return {"as_of": None, "counts": {}, "rows": [], "total": 0}
    # six columns: sqlalchemy's select (sqlmodel's is typed for at most four)
    stmt = _scoped(sa.select(col(VerdictRow.id), col(VerdictRow.case_no), col(VerdictRow.outcome), col(VerdictRow.data),
                          col(CaseRow.court_code), col(CaseRow.received_on)), as_of, scope)
    stmt = stmt.where(col(VerdictRow.outcome).in_([outcome] if outcome else ACTION_OUTCOMES))
    if court:
        stmt = stmt.where(CaseRow.court_code == court)
    if min_age_days is not None:
        stmt = stmt.where(col(CaseRow.received_on) <= as_of - timedelta(days=min_age_days))
    if q:
        stmt = stmt.where(col(VerdictRow.case_no).contains(q))
    if flag:
        stmt = stmt.where(col(VerdictRow.data).contains(f'"{flag}"'))
    newest: dict[str, tuple[int, Any]] = {}
    for row in session.exec(stmt).all():
        if row[1] not in newest or newest[row[1]][0] < row[0]:  # one verdict per case (newest rulebook run)
            newest[row[1]] = (row[0], row)
    rows = []
    for _id, (_, case_no, out, data, court_code, received) in newest.values():
        verdict = Verdict.model_validate_json(data)
        if flag and flag not in verdict.flags:
            continue
        rows.append({"case_no": case_no, "court_code": court_code, "outcome": out, "basis": verdict.basis,
                     "eligible_from": verdict.eligible_from, "received_on": received,
                     "age_days": (as_of - received).days, "forum": verdict.forum,
                     "overdue_days": (as_of - verdict.eligible_from).days if verdict.eligible_from else None,
                     "recommended_mode": verdict.recommended_mode, "flags": verdict.flags})
    rows.sort(key=lambda r: (ACTION_OUTCOMES.index(r["outcome"]) if r["outcome"] in ACTION_OUTCOMES else 99,
                             -(r["overdue_days"] or 0), r["case_no"]))
    shown = rows[:MAX_ROWS]
    current = current_recommendations(session=session, forums={r["forum"] for r in shown if r["forum"]})
    for row in shown:
        rec = current.get(row["case_no"])
        row["recommendation_id"] = rec.recommendation_id if rec else None
        row["target_court"] = rec.recommendation.target_court if rec else None
        row["decision"] = rec.decision.action if rec and rec.decision else None
    return {"as_of": as_of, "counts": outcome_counts(session, as_of, scope), "rows": shown, "total": len(rows)}
