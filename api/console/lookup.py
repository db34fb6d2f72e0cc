"""Read-only look-ups the console and the document route share: a case's current
recommendation, the decision on the case, and what the forum is doing with it.

"Current" means the forum's current plan (`assign.plans.current_plan`) plus any one-case or
partial plans made after it: older plans are history. The decision shown with a case is its live decision
(`assign.decisions.live_decisions`, the same one nightly runs and batch jobs pin from), even
when it was taken on an earlier night's recommendation.

Only reads; every write (decisions, audit) goes through the API's own service functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from api.documents import Disposition
from assign import plans
from assign.decisions import Action, Decision, live_decisions
from assign.errors import DataError
from assign.schemas import Mode, Recommendation, Verdict


@dataclass(frozen=True)
class CaseRecommendation:
    recommendation_id: int
    recommendation: Recommendation
    decision: Decision | None


def current_recommendations(*, session: Session, forums: Iterable[str]) -> dict[str, CaseRecommendation]:
    """case_no -> its current recommendation and decision, for every case the forums' current plans place."""
    forums = sorted(set(forums))
    order = {pid: i for forum in forums for i, pid in enumerate(plans.current_plan_ids(session=session, forum=forum))}
    if not order:
        return {}
    rows = plans.recommendation_rows_of(session=session, plan_ids=list(order))
    decisions = live_decisions(session=session, case_nos=[no for row in rows for no in json.loads(row.case_nos)])
    out: dict[str, CaseRecommendation] = {}
    rank: dict[str, int] = {}
    for row in rows:
        for case_no in json.loads(row.case_nos):
            if row.id is None or rank.get(case_no, 1 << 30) <= order[row.plan_id]:
                continue
            rank[case_no] = order[row.plan_id]
            out[case_no] = CaseRecommendation(row.id, Recommendation.model_validate_json(row.data),
                                              decisions.get(case_no))
    return out


def current_recommendation(*, session: Session, case_no: str, forum: str | None) -> CaseRecommendation | None:
    """The case's current recommendation (None when its forum's current plans do not place it)."""
    if not forum:
        return None
    for plan_id in plans.current_plan_ids(session=session, forum=forum):
        row = plans.recommendation_placing(session=session, plan_id=plan_id, case_no=case_no)
        if row is not None and row.id is not None:
            decision = live_decisions(session=session, case_nos=[case_no]).get(case_no)
            return CaseRecommendation(row.id, Recommendation.model_validate_json(row.data), decision)
    return None


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
