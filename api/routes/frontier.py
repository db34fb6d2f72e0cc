"""The frontier of efficient plans around a published plan: `GET /v1/plans/{id}/frontier`.

Scoped like plans (a dispatcher reads its jurisdiction's). The points are computed on demand
(seconds; `time_limit_s` bounds the solver) on the plan's forum's open cases at the plan's
date; "re-plan with this policy" is a batch request with the policy (POST
/v1/recommendations/batch), the normal decision and audit path.
"""

from __future__ import annotations

from fastapi import APIRouter, Query

from api.deps import AnyKeyDep, EngineDep, NetworkDep, SessionDep, SettingsDep
from api.routes._shared import AUTH_ERRORS, TextPath, errors
from api.service.frontier import MAX_POINTS, MAX_TIME_S, frontier_for
from assign import plans
from solver.frontier_types import Frontier

router = APIRouter(prefix="/v1/plans", tags=["plans"], responses=AUTH_ERRORS)


@router.get("/{plan_id}/frontier", response_model=Frontier, responses=errors(404),
            summary="The efficient plans between most balanced and least travel, with this plan marked")
def plan_frontier(plan_id: TextPath, key: AnyKeyDep, session: SessionDep, network: NetworkDep, engine: EngineDep,
                  settings: SettingsDep, points: int = Query(default=5, ge=2, le=MAX_POINTS),
                  time_limit_s: float = Query(default=10.0, gt=0, le=MAX_TIME_S)) -> Frontier:
    row = plans.get_plan(session=session, plan_id=plan_id)
    key.check_court(network, row.scope if row.scope in network else None, f"plan {row.plan_id} (scope {row.scope})")
    session.close()  # the computation takes seconds: hold no connection meanwhile
    return frontier_for(engine, network, settings, forum=row.scope, as_of=row.as_of, plan_id=row.plan_id,
                        points=points, time_limit_s=time_limit_s)
