"""Read models for the console pages, under /v1/console (JSON; same keys, roles and scoping as the API).

- `queue`: the latest verdicts of the caller's jurisdiction that need action, filterable,
  with counts by outcome and each case's recommendation/decision state.
- `case`: one case with its verdict, current recommendation, decision and audit trail.
- `plan`: the forum's latest plan with per-court workload before and after, and its moves.
Nothing here decides or computes legal results: verdicts come from the rules, recommendations
from the solver, decisions from `POST /v1/recommendations/{id}/decision`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlmodel import Session, col, func, select

from api.console import workload
from api.console.labels import ACTION_OUTCOMES
from api.console.lookup import CaseRecommendation, current_recommendation, disposition_for
from api.deps import AnyKeyDep, NetworkDep, SessionDep
from api.documents import DocumentKind
from api.routes._shared import AUTH_ERRORS, TextPath, errors
from api.security import Principal, case_view, mask_strings
from assign import audit, repository
from assign.decisions import Decision
from assign.errors import DataError, NotFound
from assign.models import CaseRow, RecommendationRow, VerdictRow
from assign.network import CourtNetwork
from assign.schemas import Verdict

router = APIRouter(prefix="/v1/console", tags=["console"], responses=AUTH_ERRORS)
MAX_ROWS = 500


def latest_as_of(session: Session) -> date | None:
    return session.exec(select(func.max(VerdictRow.as_of))).one()


def _scope(key: Principal, network: CourtNetwork) -> list[str] | None:
    return key.scope_codes(network)


@router.get("/me", summary="Who the key belongs to: role, court and its name")
def me(key: AnyKeyDep, network: NetworkDep) -> dict[str, Any]:
    name = network.get(key.court_code).name if key.court_code and key.court_code in network else None
    return {"role": key.role.value, "court_code": key.court_code, "court_name": name, "label": key.label}


@router.get("/queue", summary="Cases needing action in the caller's jurisdiction, with counts by outcome")
def queue(key: AnyKeyDep, session: SessionDep, network: NetworkDep,
          outcome: str | None = None, flag: str | None = None, court: str | None = None,
          min_age_days: Annotated[int | None, Query(ge=0, le=36500)] = None,
          q: Annotated[str | None, Query(max_length=128)] = None) -> dict[str, Any]:
    as_of = latest_as_of(session)
    if as_of is None:
        return {"as_of": None, "counts": {}, "rows": [], "total": 0}
    scope = _scope(key, network)
    base = (select(VerdictRow.case_no, VerdictRow.outcome, VerdictRow.data, CaseRow.court_code, CaseRow.received_on)
            .join(CaseRow, col(CaseRow.case_no) == col(VerdictRow.case_no)).where(VerdictRow.as_of == as_of)
            .order_by(col(VerdictRow.id)))
    if scope is not None:
        base = base.where(col(CaseRow.court_code).in_(scope))
    latest: dict[str, tuple[str, str, str, date]] = {}
    for case_no, out, data, court_code, received in session.exec(base).all():
        latest[case_no] = (out, data, court_code, received)  # newest row per case wins (ordered by id)
    counts: dict[str, int] = {}
    for out, _data, _court, _received in latest.values():
        counts[out] = counts.get(out, 0) + 1
    wanted = [outcome] if outcome else ACTION_OUTCOMES
    rows = []
    for case_no, (out, data, court_code, received) in sorted(latest.items()):
        if out not in wanted or (court and court_code != court) or (q and q not in case_no):
            continue
        verdict = Verdict.model_validate_json(data)
        age = (as_of - received).days
        if (flag and flag not in verdict.flags) or (min_age_days is not None and age < min_age_days):
            continue
        rows.append({"case_no": case_no, "court_code": court_code, "outcome": out, "basis": verdict.basis,
                     "eligible_from": verdict.eligible_from, "received_on": received, "age_days": age,
                     "overdue_days": (as_of - verdict.eligible_from).days if verdict.eligible_from else None,
                     "recommended_mode": verdict.recommended_mode, "flags": verdict.flags})
    rows.sort(key=lambda r: (ACTION_OUTCOMES.index(r["outcome"]) if r["outcome"] in ACTION_OUTCOMES else 99,
                             -(r["overdue_days"] or 0)))
    shown = rows[:MAX_ROWS]
    _attach_decisions(session, shown)
    return {"as_of": as_of, "counts": counts, "rows": shown, "total": len(rows)}


def _attach_decisions(session: Session, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        current = current_recommendation(session=session, case_no=row["case_no"])
        row["recommendation_id"] = current.recommendation_id if current else None
        row["target_court"] = current.recommendation.target_court if current else None
        row["decision"] = current.decision.action if current and current.decision else None


@router.get("/cases/{case_no}", responses=errors(404), summary="One case with verdict, recommendation, decision, audit")
def case_detail(case_no: TextPath, key: AnyKeyDep, session: SessionDep, network: NetworkDep) -> dict[str, Any]:
    case = repository.get_case(session=session, case_no=case_no)
    key.check_case(network, case)
    try:
        verdict: dict[str, Any] | None = repository.latest_verdict(session=session, case_no=case_no).model_dump(
            mode="json")
    except NotFound:
        verdict = None
    if verdict is not None:
        verdict["fired"] = mask_strings(verdict["fired"])
    current = current_recommendation(session=session, case_no=case_no)
    documents = _document_options(verdict, current)
    subjects = [case_no] + ([f"recommendation:{current.recommendation_id}"] if current else [])
    trail = [r for s in subjects for r in audit.list_records(session=session, subject=s, limit=200)]
    trail.sort(key=lambda r: r.seq)
    return {
        "case": case_view(case, key),
        "verdict": verdict,
        "recommendation_id": current.recommendation_id if current else None,
        "recommendation": current.recommendation.model_dump(mode="json") if current else None,
        "decision": current.decision.as_dict() if current and current.decision else None,
        "documents": documents,
        "audit": [{"seq": r.seq, "kind": r.kind, "subject": r.subject, "actor": r.actor, "created_at": r.created_at,
                   "payload": mask_strings(json.loads(r.payload))} for r in trail],
    }


def _document_options(verdict: dict[str, Any] | None, current: CaseRecommendation | None) -> dict[str, Any]:
    """Which draft the case's current disposition calls for, or why there is none."""
    if verdict is None:
        return {"kind": None, "source": None, "reason": "尚未审查"}
    try:
        disposition = disposition_for(verdict=Verdict.model_validate(verdict), current=current)
    except DataError as e:
        return {"kind": None, "source": None, "reason": str(e)}
    kind = DocumentKind.for_mode(disposition.mode)
    allowed = kind is not None and bool(kind.modes & set(Verdict.model_validate(verdict).permitted_modes))
    return {"kind": kind.value if kind and allowed else None, "source": disposition.source,
            "reason": None if allowed else "审查结果不允许该方式的文书"}


@router.get("/plan", responses=errors(404), summary="The caller's forum plan: workload before/after, map, moves")
def plan_view(key: AnyKeyDep, session: SessionDep, network: NetworkDep,
              plan_id: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    if plan_id:
        plan = repository.get_plan(session=session, plan_id=plan_id)
    else:
        scope = key.court_code if key.is_dispatcher else None
        candidates = [p for p in repository.list_plans(session=session, scope=scope, limit=50)
                      if p.status != "SINGLE"]
        if not candidates:
            raise NotFound("本辖区尚无调度方案" if scope else "no plan yet")
        plan = candidates[0]
    key.check_court(network, plan.scope, f"plan {plan.plan_id}")
    recs = session.exec(select(RecommendationRow).where(RecommendationRow.plan_id == plan.plan_id)
                        .order_by(col(RecommendationRow.id))).all()
    decisions = {d.recommendation_id: d for d in session.exec(
        select(Decision).where(col(Decision.recommendation_id).in_([r.id for r in recs]))).all()}
    moves = workload.plan_moves(session=session, rows=list(recs), decisions=decisions)
    return {
        "plan_id": plan.plan_id, "scope": plan.scope, "as_of": plan.as_of, "status": plan.status,
        "created_at": plan.created_at.isoformat(), "summary": json.loads(plan.summary),
        "solver": _solver_fields(json.loads(plan.data)),
        "courts": workload.court_loads(network, plan.scope, moves),
        "moves": moves,
    }


def _solver_fields(data: dict[str, Any]) -> dict[str, Any]:
    keep = ("status", "objective", "bound", "gap", "contributions", "metrics", "seed", "time_s", "versions")
    return {k: data.get(k) for k in keep}
