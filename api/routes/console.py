"""The dispatchers' console over HTTP: its pages (/console, `api.console`) and the read models
they call (/v1/console, here), with the same keys, roles and scoping as the API.

- `queue`: the latest verdicts of the caller's jurisdiction that need action, filterable,
  with counts by outcome and each case's recommendation/decision state.
- `case`: one case with its verdict, current recommendation, decision and audit trail.
- `plan`: the forum's current plan with per-court workload before and after, and its moves.
Nothing here decides or computes legal results: verdicts come from the rules, recommendations
from the solver, decisions from `POST /v1/decisions`. The read models live in `api.console`
(which never imports the routes); this module is their HTTP face.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.console import queue as queue_model
from api.console import router as pages
from api.console import workload
from api.console.lookup import CaseRecommendation, current_recommendation, disposition_for
from api.console.models import AuditLine, CaseDetail, DocumentOption, Me, PlanView, Queue
from api.deps import AnyKeyDep, NetworkDep, SessionDep
from api.documents import DocumentKind
from api.routes._shared import AUTH_ERRORS, TextPath, errors
from api.security import case_view
from assign import audit, plans, repository
from assign.decisions import live_decisions
from assign.errors import DataError, NotFound
from assign.masking import mask_strings
from assign.schemas import FiredRule, Verdict

views = APIRouter(prefix="/v1/console", tags=["console"], responses=AUTH_ERRORS)


@views.get("/me", response_model=Me, summary="Who the key belongs to: role, court and its name")
def me(key: AnyKeyDep, network: NetworkDep) -> Me:
    name = network.get(key.court_code).name if key.court_code and key.court_code in network else None
    return Me(role=key.role.value, court_code=key.court_code, court_name=name, label=key.label)


@views.get("/queue", response_model=Queue,
           summary="Cases needing action in the caller's jurisdiction, with counts by outcome")
def queue(key: AnyKeyDep, session: SessionDep, network: NetworkDep,
          outcome: str | None = Query(default=None, max_length=32),
          flag: str | None = Query(default=None, max_length=64),
          court: str | None = Query(default=None, max_length=32),
          min_age_days: Annotated[int | None, Query(ge=0, le=36500)] = None,
          q: Annotated[str | None, Query(max_length=128)] = None) -> Queue:
    return queue_model.queue(session=session, scope=key.scope_codes(network), outcome=outcome, flag=flag,
                             court=court, min_age_days=min_age_days, q=q)


@views.get("/cases/{case_no}", response_model=CaseDetail, responses=errors(404),
            summary="One case with verdict, recommendation, decision, audit")
def case_detail(case_no: TextPath, key: AnyKeyDep, session: SessionDep, network: NetworkDep) -> CaseDetail:
    case = repository.get_case(session=session, case_no=case_no)
    key.check_case(network, case)
    try:
        verdict: Verdict | None = _masked(repository.latest_verdict(session=session, case_no=case_no))
    except NotFound:
        verdict = None
    current = current_recommendation(session=session, case_no=case_no, forum=verdict.forum if verdict else None)
    documents = _document_options(verdict, current)
    subjects = [case_no] + ([f"recommendation:{current.recommendation_id}"] if current else [])
    trail = [r for s in subjects for r in audit.list_records(session=session, subject=s, limit=200)]
    trail.sort(key=lambda r: r.seq)
    return CaseDetail(
        case=case_view(case, key), verdict=verdict,
        recommendation_id=current.recommendation_id if current else None,
        recommendation=current.recommendation if current else None,
        decision=current.decision.as_view() if current and current.decision else None,
        documents=documents,
        audit=[AuditLine(seq=r.seq, kind=r.kind, subject=r.subject, actor=r.actor, created_at=r.created_at,
                         payload=mask_strings(json.loads(r.payload))) for r in trail])


def _masked(verdict: Verdict) -> Verdict:
    """The verdict as the console shows it: party id numbers among the fired rules' facts masked."""
    return verdict.model_copy(update={"fired": [FiredRule.model_validate(mask_strings(f.model_dump(mode="json")))
                                                for f in verdict.fired]})


def _document_options(verdict: Verdict | None, current: CaseRecommendation | None) -> DocumentOption:
    """Which draft the case's current disposition calls for, or why there is none."""
    if verdict is None:
        return DocumentOption(kind=None, source=None, reason="尚未审查")
    try:
        disposition = disposition_for(verdict=verdict, current=current)
    except DataError as e:
        return DocumentOption(kind=None, source=None, reason=str(e))
    kind = DocumentKind.for_mode(disposition.mode)
    allowed = kind is not None and bool(kind.modes & set(verdict.permitted_modes))
    return DocumentOption(kind=kind.value if kind and allowed else None, source=disposition.source,
                          reason=None if allowed else "审查结果不允许该方式的文书")


@views.get("/plan", response_model=PlanView, responses=errors(404),
            summary="The caller's forum plan: workload before/after, map, moves")
def plan_view(key: AnyKeyDep, session: SessionDep, network: NetworkDep,
              plan_id: Annotated[str | None, Query(max_length=64)] = None) -> PlanView:
    if plan_id:
        plan = plans.get_plan(session=session, plan_id=plan_id)
    else:
        # The key's own forum's current plan first; a court with no forum plan of its own (e.g. a
        # high court whose cases are decided below it) gets the newest current-kind plan it may read.
        own = key.court_code if key.is_dispatcher else None
        candidates = plans.list_plans(session=session, scope=own, kinds=plans.CURRENT_KINDS, limit=1)
        if not candidates and own:
            candidates = plans.list_plans(session=session, scopes=key.scope_codes(network),
                                          kinds=plans.CURRENT_KINDS, limit=1)
        if not candidates:
            raise NotFound("本辖区尚无调度方案")
        plan = candidates[0]
    key.check_court(network, plan.scope, f"plan {plan.plan_id}")
    recs = plans.plan_recommendation_rows(session=session, plan_id=plan.plan_id)
    decisions = live_decisions(session=session, case_nos=[no for r in recs for no in json.loads(r.case_nos)])
    moves = workload.plan_moves(session=session, rows=recs, decisions=decisions)
    return PlanView(plan_id=plan.plan_id, scope=plan.scope, as_of=plan.as_of, status=plan.status,
                    created_at=plan.created_at.isoformat(), summary=json.loads(plan.summary),
                    solver=_solver_fields(json.loads(plan.data)),
                    courts=workload.court_loads(network, plan.scope, moves),
                    moves=moves)


def _solver_fields(data: dict[str, Any]) -> dict[str, Any]:
    keep = ("status", "objective", "bound", "gap", "contributions", "metrics", "seed", "time_s", "versions", "policy")
    return {k: data.get(k) for k in keep}


router = APIRouter()
router.include_router(pages)
router.include_router(views)
