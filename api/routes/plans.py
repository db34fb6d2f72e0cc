"""Plans: list, one, and the moves against the previous plan."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import AnyKeyDep, NetworkDep, SessionDep
from api.routes._shared import AUTH_ERRORS, Limit, Offset, TextPath, errors
from api.security import Principal
from api.service import plans as plan_service
from assign import plans
from assign.models import PlanRow
from assign.network import CourtNetwork
from assign.schemas import Recommendation

router = APIRouter(prefix="/v1/plans", tags=["plans"], responses=AUTH_ERRORS)


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


class PlanDiff(BaseModel):
    plan_id: str
    against: str
    count: int
    moved: int
    added: int
    removed: int
    moves: list[dict[str, str | None]]


def _readable(key: Principal, network: CourtNetwork, row: PlanRow) -> None:
    key.check_court(network, row.scope if row.scope in network else None, f"plan {row.plan_id} (scope {row.scope})")


@router.get("", response_model=PlansPage,
            summary="Published plans, newest first (a dispatcher sees its jurisdiction's)")
def list_plans(key: AnyKeyDep, session: SessionDep, network: NetworkDep,
               scope: str | None = Query(default=None, max_length=32), limit: Limit = 50,
               offset: Offset = 0) -> dict[str, Any]:
    rows = plans.list_plans(session=session, scopes=key.scope_codes(network), scope=scope, limit=limit,
                            offset=offset)
    return {"data": [plan_service.plan_header(r) for r in rows], "count": len(rows)}


@router.get("/{plan_id}", response_model=PlanOut, responses=errors(404), summary="One plan with its recommendations")
def get_plan(plan_id: TextPath, key: AnyKeyDep, session: SessionDep, network: NetworkDep) -> dict[str, Any]:
    row = plans.get_plan(session=session, plan_id=plan_id)
    _readable(key, network, row)
    return plan_service.plan_detail(session=session, row=row)


@router.get("/{plan_id}/diff", response_model=PlanDiff, responses=errors(404),
            summary="Cases that moved between the previous plan (or ?against=) and this one")
def plan_diff(plan_id: TextPath, key: AnyKeyDep, session: SessionDep, network: NetworkDep,
              against: str | None = Query(default=None, max_length=64)) -> dict[str, Any]:
    row = plans.get_plan(session=session, plan_id=plan_id)
    _readable(key, network, row)
    if against:
        _readable(key, network, plans.get_plan(session=session, plan_id=against))
    return plan_service.plan_moves(session=session, row=row, against=against)
