"""Reading plans for the API: lists within a jurisdiction, one plan, moves between plans; each answered as its
response model (the routes in `api/routes/plans.py` hand them on as they are)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from assign import plans
from assign.decisions import decisions_by_recommendation
from assign.errors import NotFound
from assign.models import PlanRow
from assign.schemas import Recommendation

SOLVER_FIELDS = ("status", "objective", "bound", "gap", "contributions", "metrics", "seed", "workers", "time_s",
                 "versions", "policy", "points", "defects")


class PlanHeader(BaseModel):
    plan_id: str
    created_at: str
    as_of: str
    scope: str
    status: str
    kind: str = Field(description="nightly | batch (a forum's whole queue: may be its current plan) | partial | "
                                  "single")
    previous_plan_id: str | None
    run_id: str | None
    summary: dict[str, Any]


class PlansPage(BaseModel):
    data: list[PlanHeader]
    count: int


class PlanRecommendation(BaseModel):
    id: int
    recommendation: Recommendation
    decision: dict[str, Any] | None


class PlanOut(PlanHeader):
    solver: dict[str, Any]
    recommendations: list[PlanRecommendation]


class PlanMove(BaseModel):
    """One case whose court differs between two plans (null: not in that plan)."""

    model_config = ConfigDict(populate_by_name=True)
    case_no: str
    from_court: str | None = Field(alias="from")
    to_court: str | None = Field(alias="to")


class PlanDiff(BaseModel):
    plan_id: str
    against: str
    count: int
    moved: int
    added: int
    removed: int
    moves: list[PlanMove]


def plan_header(row: PlanRow) -> PlanHeader:
    return PlanHeader(plan_id=row.plan_id, created_at=row.created_at.isoformat(), as_of=row.as_of.isoformat(),
                      scope=row.scope, status=row.status, kind=row.kind, previous_plan_id=row.previous_plan_id,
                      run_id=row.run_id, summary=json.loads(row.summary or "{}"))


def plans_page(rows: list[PlanRow]) -> PlansPage:
    return PlansPage(data=[plan_header(r) for r in rows], count=len(rows))


def plan_detail(*, session: Session, row: PlanRow) -> PlanOut:
    recs = plans.plan_recommendation_rows(session=session, plan_id=row.plan_id)
    decided = decisions_by_recommendation(session=session, plan_id=row.plan_id)
    data = json.loads(row.data or "{}")
    solver = {k: data.get(k) for k in SOLVER_FIELDS if k in data}
    if isinstance(data.get("params"), dict):  # the optional outcome term's figures (solver/README)
        solver["outcome_shares"] = data["params"].get("outcome_shares", {})
    return PlanOut(
        **plan_header(row).model_dump(), solver=solver,
        recommendations=[PlanRecommendation(id=r.id, recommendation=Recommendation.model_validate_json(r.data),
                                            decision=decided[r.id].as_view() if r.id in decided else None)
                         for r in recs])


def plan_moves(*, session: Session, row: PlanRow, against: str | None) -> PlanDiff:
    """Cases whose court changed between the previous plan (or `against`) and this one."""
    other_id = against or row.previous_plan_id
    if other_id is None:
        raise NotFound(f"plan {row.plan_id} has no previous plan; name one with ?against=")
    other = plans.get_plan(session=session, plan_id=other_id)
    moves = plans.moves_between(plans.assignments_of(other), plans.assignments_of(row))
    return PlanDiff(plan_id=row.plan_id, against=other_id, count=len(moves),
                    moved=sum(1 for m in moves if m.moved), added=sum(1 for m in moves if m.from_court is None),
                    removed=sum(1 for m in moves if m.to_court is None),
                    moves=[PlanMove(case_no=m.case_no, from_court=m.from_court, to_court=m.to_court) for m in moves])
