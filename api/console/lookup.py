"""Read-only look-ups the console and the document route share: a case's current
recommendation, the decision on it, and what the forum is doing with the case.

Only reads; every write (decisions, audit) goes through the API's own service functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, col, select

from api.documents import Disposition
from assign.decisions import Action, Decision, decision_for
from assign.errors import DataError
from assign.models import PlanRow, RecommendationRow
from assign.schemas import Mode, Recommendation, Verdict


@dataclass(frozen=True)
class CaseRecommendation:
    recommendation_id: int
    recommendation: Recommendation
    decision: Decision | None


def current_recommendation(*, session: Session, case_no: str) -> CaseRecommendation | None:
    """The newest published recommendation naming the case, with its decision if any."""
    needle = json.dumps(case_no, ensure_ascii=False)
    row = session.exec(
        select(RecommendationRow).join(PlanRow, col(PlanRow.plan_id) == col(RecommendationRow.plan_id))
        .where(col(PlanRow.published).is_(True)).where(col(RecommendationRow.case_nos).contains(needle))
        .order_by(col(PlanRow.created_at).desc(), col(RecommendationRow.id).desc()).limit(1)
    ).first()
    if row is None or row.id is None:
        return None
    return CaseRecommendation(recommendation_id=row.id, recommendation=Recommendation.model_validate_json(row.data),
                              decision=decision_for(session=session, recommendation_id=row.id))


def disposition_for(*, verdict: Verdict, current: CaseRecommendation | None) -> Disposition:
    """What the documents are drafted from: the decision, else the recommendation, else the verdict's mode."""
    if current is not None and current.decision is not None:
        d = current.decision
        rec = current.recommendation
        if d.action == Action.REJECT.value:
            raise DataError(f"调度决定为不采纳（决定 {d.id}），不生成文书")
        mode = rec.mode or Mode.DESIGNATE
        if d.target_court and d.target_court == rec.forum:
            mode = Mode.ESCALATE  # an override to the forum itself is 提级
        elif d.action == Action.OVERRIDE.value and mode == Mode.ESCALATE:
            mode = Mode.DESIGNATE  # an override away from the forum names another court
        return Disposition(mode=mode, target_court=d.target_court, source="decision", case_nos=tuple(rec.case_nos),
                           reason=d.reason, decided_by=f"key:{d.key_id}", decided_on=d.created_at.date(),
                           plan_id=d.plan_id)
    if current is not None and current.recommendation.mode is not None:
        return Disposition.from_recommendation(current.recommendation)
    if verdict.recommended_mode is not None:
        target = None if verdict.recommended_mode == Mode.ORDER else verdict.forum
        return Disposition(mode=verdict.recommended_mode, target_court=target, source="verdict",
                           case_nos=(verdict.case_no,))
    raise DataError(f"案件 {verdict.case_no} 的审查结果为 {verdict.outcome.value}，没有可起草的文书")
