"""Recommendations: one case -> ranked courts (stored, decidable); a batch -> a plan job."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.deps import AnyKeyDep, DeciderKeyDep, NetworkDep, RuleEngineDep, SessionDep
from api.routes._shared import AUTH_ERRORS, CodePath, IdPath, Limit, errors, today
from api.security import Principal
from api.service.job_admission import admit_job, check_batch_cases
from api.service.jobs import JobView, job_view
from api.service.recommendations import SingleResult, load_case, recommend_case
from assign import jobs, repository
from assign.decisions import decision_for
from assign.errors import DataError
from assign.fields import WriteDate
from assign.network import CourtNetwork
from assign.plans import get_recommendation_row
from assign.schemas import Recommendation, Verdict
from rules.engine import RuleEngine
from solver.policy import Policy

router = APIRouter(prefix="/v1/recommendations", tags=["recommendations"], responses=AUTH_ERRORS)


class RecommendOne(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"case_no": "(2024)川0104执900号", "as_of": "2024-12-02"}]})

    case_no: str = Field(min_length=1, max_length=128)
    as_of: WriteDate | None = None


class SingleOut(BaseModel):
    recommendation_id: int | None
    plan_id: str | None
    verdict: Verdict
    recommendation: Recommendation | None
    message: str | None = None


class StoredRecommendation(BaseModel):
    id: int
    plan_id: str
    recommendation: Recommendation
    decision: dict[str, Any] | None


class BatchRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"court": "I510100", "as_of": "2024-12-02", "time_limit_s": 30, "policy": "balanced"},
        {"case_nos": ["(2024)川0104执900号", "(2024)川0104执901号"]},
    ]})

    court: str | None = Field(default=None, max_length=32,
                              description="the forum whose jurisdiction is planned (default: the key's court)")
    case_nos: list[str] | None = Field(
        default=None, min_length=1, max_length=50_000,
        description="only these stored cases (default: every open case in scope); unknown numbers and cases "
                    "outside the forum's jurisdiction are refused with the list (422). A plan over named cases "
                    "never replaces the forum's current plan")
    as_of: WriteDate | None = None
    time_limit_s: float | None = Field(default=None, gt=0, le=600)
    policy: Policy | None = Field(default=None, description="named placement policy (balanced, default, near); "
                                  "default: the forum's configured policy")


class JobsPage(BaseModel):
    data: list[JobView]
    count: int


@router.post("", response_model=SingleOut, responses=errors(404, 409),
             summary="Rank courts for one stored case: score breakdown, alternatives, exclusions")
async def recommend_one(body: RecommendOne, request: Request, key: DeciderKeyDep, network: NetworkDep,
                        rules: RuleEngineDep) -> Response:
    # one request thread: the rule engine and the ranking state have locks that a batch evaluation
    # may hold for a while (never waited for on the event loop), and the thread also waits for the
    # group commit: the answer goes out only once the rows are committed
    rec_id, result = await run_in_threadpool(_recommend, request.app.state, network, rules, key, body.case_no,
                                             body.as_of or today())
    return Response(content=single_json(rec_id, result), media_type="application/json")


def single_json(rec_id: int | None, result: SingleResult) -> bytes:
    """`SingleOut` as JSON, byte for byte what `SingleOut.model_dump_json()` writes; a stored recommendation's
    JSON is the one its row holds (the recommendation, with its ~10-30 ranked courts, serialised once)."""
    rec = result.recommendation
    if rec is None or result.recommendation_json is None or result.message is not None:
        return SingleOut(recommendation_id=rec_id, plan_id=rec.plan_id if rec else None, verdict=result.verdict,
                         recommendation=rec, message=result.message).model_dump_json().encode()
    return b"".join((b'{"recommendation_id":', json.dumps(rec_id).encode(), b',"plan_id":',
                     json.dumps(rec.plan_id).encode(), b',"verdict":', result.verdict.model_dump_json().encode(),
                     b',"recommendation":', result.recommendation_json.encode(), b',"message":null}'))


def _recommend(state: Any, network: CourtNetwork, rules: RuleEngine, key: Principal, case_no: str,
               as_of: date) -> tuple[int | None, SingleResult]:
    stored = load_case(state.engine, case_no)
    key.check_case(network, stored.case)
    result = recommend_case(network=network, rules=rules, states=state.baselines, stored=stored, as_of=as_of,
                            actor=key.actor)
    rec_id = state.group_commit.submit_blocking(result.write) if result.write is not None else None
    return rec_id, result


@router.post("/batch", response_model=JobView, status_code=202, responses=errors(404, 429),
             summary="Start a batch placement job for a forum's jurisdiction; poll it, cancel it")
def start_batch(body: BatchRequest, request: Request, key: DeciderKeyDep, session: SessionDep,
                network: NetworkDep) -> JobView:
    scope = body.court or key.court_code
    if not scope:
        raise DataError("name the forum to plan for (court)")
    network.get(scope)
    key.check_court(network, scope, "batch placement")
    if body.case_nos is not None:
        check_batch_cases(session=session, network=network, scope=scope, case_nos=body.case_nos)
    params = jobs.JobParams(as_of=body.as_of or today(), case_nos=body.case_nos, time_limit_s=body.time_limit_s,
                            policy=body.policy.value if body.policy else None)
    admit_job(session=session, settings=request.app.state.settings, key=key, scope=scope,
              time_limit_s=body.time_limit_s)
    job = jobs.create_job(session=session, scope=scope, params=params, key_id=key.key_id)
    session.commit()  # the runner reads the job from its own session
    request.app.state.jobs.submit(job.id, network)
    return job_view(job)


@router.get("/batch", response_model=JobsPage, summary="Batch jobs (a dispatcher sees its jurisdiction's)")
def list_batches(key: AnyKeyDep, session: SessionDep, network: NetworkDep, limit: Limit = 50) -> JobsPage:
    rows = jobs.list_jobs(session=session, scopes=key.scope_codes(network), limit=limit)
    return JobsPage(data=[job_view(j) for j in rows], count=len(rows))


@router.get("/batch/{job_id}", response_model=JobView, responses=errors(404),
            summary="A job's status and best plan so far")
def get_batch(job_id: CodePath, key: AnyKeyDep, session: SessionDep, network: NetworkDep) -> JobView:
    job = jobs.get_job(session=session, job_id=job_id)
    key.check_court(network, job.scope, f"job {job_id}")
    return job_view(job)


@router.delete("/batch/{job_id}", response_model=JobView, responses=errors(404, 409),
               summary="Cancel a job (queued: at once; running: at its next stage)")
def cancel_batch(job_id: CodePath, key: DeciderKeyDep, session: SessionDep, network: NetworkDep) -> JobView:
    job = jobs.get_job(session=session, job_id=job_id)
    key.check_court(network, job.scope, f"job {job_id}")
    return job_view(jobs.request_cancel(session=session, job_id=job_id))


@router.get("/{recommendation_id}", response_model=StoredRecommendation, responses=errors(404),
            summary="A stored recommendation and its decision, if any")
def get_recommendation(recommendation_id: IdPath, key: AnyKeyDep, session: SessionDep,
                       network: NetworkDep) -> StoredRecommendation:
    row = get_recommendation_row(session=session, recommendation_id=recommendation_id)
    rec = Recommendation.model_validate_json(row.data)
    if not key.may_see_court(network, rec.forum):  # else: readable when every case is in the jurisdiction
        for case in repository.get_cases(session=session, case_nos=json.loads(row.case_nos)):
            key.check_case(network, case, f"recommendation {recommendation_id}")
    decision = decision_for(session=session, recommendation_id=recommendation_id)
    return StoredRecommendation(id=row.id, plan_id=row.plan_id, recommendation=rec,
                                decision=decision.as_view() if decision else None)
