"""The dispatcher's queue: the latest verdicts of a jurisdiction that need action.

Filtering happens in SQL (`assign.verdict_queue`: outcome, court, age, case number, a text
pre-filter on the flag) so a high court's screen over a large store reads only the rows it
shows; counts by outcome are one GROUP BY. Verdict JSON is parsed only for the rows that pass
the SQL filters, and the flag is checked on the parsed verdict.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from api.console.labels import ACTION_OUTCOMES
from api.console.lookup import current_recommendations
from api.console.models import Queue, QueueRow
from assign import verdict_queue
from assign.schemas import Verdict

MAX_ROWS = 500


def queue(*, session: Session, scope: list[str] | None, outcome: str | None = None, flag: str | None = None,
          court: str | None = None, min_age_days: int | None = None, q: str | None = None) -> Queue:
    as_of = verdict_queue.latest_verdict_day(session=session)
    if as_of is None:
        return Queue(as_of=None, counts={}, rows=[], total=0)
    found = verdict_queue.queued_verdicts(
        session=session, as_of=as_of, court_codes=scope, outcomes=[outcome] if outcome else ACTION_OUTCOMES,
        court=court, received_by=as_of - timedelta(days=min_age_days) if min_age_days is not None else None,
        case_no_part=q, text=f'"{flag}"' if flag else None)
    rows: list[QueueRow] = []
    for found_verdict in found:
        verdict = Verdict.model_validate_json(found_verdict.data)
        if flag and flag not in verdict.flags:
            continue
        received = found_verdict.received_on
        rows.append(QueueRow(case_no=found_verdict.case_no, court_code=found_verdict.court_code,
                             outcome=found_verdict.outcome, basis=verdict.basis,
                             eligible_from=verdict.eligible_from, received_on=received,
                             age_days=(as_of - received).days, forum=verdict.forum,
                             overdue_days=(as_of - verdict.eligible_from).days if verdict.eligible_from else None,
                             recommended_mode=verdict.recommended_mode, flags=verdict.flags))
    rows.sort(key=lambda r: (ACTION_OUTCOMES.index(r.outcome) if r.outcome in ACTION_OUTCOMES else 99,
                             -(r.overdue_days or 0), r.case_no))
    shown = rows[:MAX_ROWS]
    current = current_recommendations(session=session, forums={r.forum for r in shown if r.forum})
    for row in shown:
        rec = current.get(row.case_no)
        row.recommendation_id = rec.recommendation_id if rec else None
        row.target_court = rec.recommendation.target_court if rec else None
        row.decision = rec.decision.action if rec and rec.decision else None
    counts = verdict_queue.outcome_counts(session=session, as_of=as_of, court_codes=scope)
    return Queue(as_of=as_of, counts=counts, rows=shown, total=len(rows))
