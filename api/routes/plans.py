"""Plans: list, one, and the moves against the previous plan."""

from __future__ import annotations

from fastapi import APIRouter, Query

from api.deps import AnyKeyDep, NetworkDep, SessionDep
from api.routes._shared import AUTH_ERRORS, Limit, Offset, TextPath, errors
from api.security import Principal
from api.service import plans as plan_service
from api.service.plans import PlanDiff, PlanOut, PlansPage
from assign import plans
from assign.models import PlanRow
from assign.network import CourtNetwork

router = APIRouter(prefix="/v1/plans", tags=["plans"], responses=AUTH_ERRORS)


def _readable(key: Principal, network: CourtNetwork, row: PlanRow) -> None:
    key.check_court(network, row.scope if row.scope in network else None, f"plan {row.plan_id} (scope {row.scope})")


@router.get("", response_model=PlansPage,
            summary="Published plans, newest first (a dispatcher sees its jurisdiction's)")
def list_plans(key: AnyKeyDep, session: SessionDep, network: NetworkDep,
               scope: str | None = Query(default=None, max_length=32), limit: Limit = 50,
               offset: Offset = 0) -> PlansPage:
    rows = plans.list_plans(session=session, scopes=key.scope_codes(network), scope=scope, limit=limit,
                            offset=offset)
    return plan_service.plans_page(rows)


@router.get("/{plan_id}", response_model=PlanOut, responses=errors(404), summary="One plan with its recommendations")
def get_plan(plan_id: TextPath, key: AnyKeyDep, session: SessionDep, network: NetworkDep) -> PlanOut:
    row = plans.get_plan(session=session, plan_id=plan_id)
    _readable(key, network, row)
    return plan_service.plan_detail(session=session, row=row)


@router.get("/{plan_id}/diff", response_model=PlanDiff, responses=errors(404),
            summary="Cases that moved between the previous plan (or ?against=) and this one")
def plan_diff(plan_id: TextPath, key: AnyKeyDep, session: SessionDep, network: NetworkDep,
              against: str | None = Query(default=None, max_length=64)) -> PlanDiff:
    row = plans.get_plan(session=session, plan_id=plan_id)
    _readable(key, network, row)
    if against:
        _readable(key, network, plans.get_plan(session=session, plan_id=against))
    return plan_service.plan_moves(session=session, row=row, against=against)
