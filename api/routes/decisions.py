"""Decisions: accept, override (to another court) or reject a recommendation, with a reason."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AnyKeyDep, DeciderKeyDep, NetworkDep, RuleEngineDep, SessionDep
from api.routes._shared import AUTH_ERRORS, IdPath, Limit, Offset, errors, today
from api.security import Principal
from api.service.decisions import decide
from assign import repository
from assign.decisions import Action, Decision, get_decision, list_decisions
from assign.network import CourtNetwork

router = APIRouter(prefix="/v1/decisions", tags=["decisions"], responses=AUTH_ERRORS)


class DecisionIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"recommendation_id": 1, "action": "accept", "reason": "同意指定执行"},
        {"recommendation_id": 1, "action": "override", "reason": "被执行人主要财产在锦江区",
         "target_court": "B510104"},
    ]})

    recommendation_id: int = Field(ge=0, le=2**62)
    action: Action
    reason: str = Field(min_length=1, max_length=4000, pattern=r"\S", description="the dispatcher's reason")
    target_court: str | None = Field(default=None, max_length=32, description="override: the court chosen instead")
    justification: str | None = Field(
        default=None, max_length=4000,
        description="override to a court that breaks a hard constraint: why (recorded with the violations)")
    supersedes: int | None = Field(
        default=None, ge=0, le=2**62,
        description="the live decision of these cases that this one replaces (a decided case is decided again "
                    "only by naming it)")


class DecisionOut(BaseModel):
    id: int
    recommendation_id: int
    plan_id: str
    case_nos: list[str]
    action: str
    recommended_court: str | None
    target_court: str | None
    reason: str
    justification: str | None
    violations: list[str]
    key_id: int | None
    created_at: str
    supersedes: int | None = None


class DecisionsPage(BaseModel):
    data: list[DecisionOut]
    count: int


def _check(key: Principal, network: CourtNetwork, session: Any, decision: Decision) -> None:
    if not key.is_dispatcher:
        return
    for case in repository.get_cases(session=session, case_nos=json.loads(decision.case_nos)):
        key.check_case(network, case, f"decision {decision.id}")


@router.post("", response_model=DecisionOut, status_code=201, responses=errors(404, 409),
             summary="Decide a recommendation; a case already decided gets 409 unless `supersedes` names its decision")
def post_decision(body: DecisionIn, request: Request, key: DeciderKeyDep, session: SessionDep,
                  network: NetworkDep, rules: RuleEngineDep) -> dict[str, Any]:
    with request.app.state.write_lock:
        decision = decide(session=session, network=network, rules=rules, states=request.app.state.baselines,
                          principal=key,
                          recommendation_id=body.recommendation_id, action=body.action, reason=body.reason.strip(),
                          target_court=body.target_court, justification=body.justification, as_of=today(),
                          supersedes=body.supersedes)
        session.commit()
    request.app.state.metrics.decisions.labels(body.action.value).inc()
    return decision.as_view()


@router.get("", response_model=DecisionsPage, summary="Decisions, newest first")
def get_decisions(key: AnyKeyDep, session: SessionDep, network: NetworkDep,
                  plan_id: str | None = Query(default=None, max_length=64), limit: Limit = 100,
                  offset: Offset = 0) -> dict[str, Any]:
    rows = list_decisions(session=session, plan_id=plan_id, limit=limit, offset=offset)
    if key.is_dispatcher:
        allowed = set(key.scope_codes(network) or [])
        nos = [n for d in rows for n in json.loads(d.case_nos)]
        courts = {c.case_no: c.court_code for c in repository.get_cases(session=session, case_nos=nos)}
        rows = [d for d in rows if all(courts.get(n) in allowed for n in json.loads(d.case_nos))]
    return {"data": [d.as_view() for d in rows], "count": len(rows)}


@router.get("/{decision_id}", response_model=DecisionOut, responses=errors(404))
def get_one(decision_id: IdPath, key: AnyKeyDep, session: SessionDep, network: NetworkDep) -> dict[str, Any]:
    decision = get_decision(session=session, decision_id=decision_id)
    _check(key, network, session, decision)
    return decision.as_view()
