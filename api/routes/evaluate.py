"""Evaluate: verdicts for posted cases (nothing stored) or for stored cases by number."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.deps import AnyKeyDep, NetworkDep, RuleEngineDep, SessionDep
from api.routes._shared import AUTH_ERRORS, errors, today
from api.security import Principal
from api.service import audit as audit_service
from api.service import evaluation
from assign import repository
from assign.errors import DataError, NotFound
from assign.fields import EventDate, require_not_future
from assign.interchange import check_cases
from assign.network import CourtNetwork
from assign.schemas import Case, Verdict
from rules.engine import RuleEngine

router = APIRouter(prefix="/v1/evaluate", tags=["evaluate"], responses=AUTH_ERRORS)
MAX_BATCH = 50_000


class EvaluateCases(BaseModel):
    as_of: EventDate | None = Field(default=None, description="evaluation date (default: today)")
    cases: list[Case] = Field(min_length=1, max_length=MAX_BATCH)


class EvaluateStored(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"case_nos": ["(2024)川0104执900号"], "as_of": "2024-12-02", "save": False}]})

    as_of: EventDate | None = None
    case_nos: list[str] = Field(min_length=1, max_length=MAX_BATCH)
    save: bool = Field(default=True, description="store the verdicts (one per case, day and rulebook)")


class NotEvaluated(BaseModel):
    case_no: str
    reason: str


class Verdicts(BaseModel):
    as_of: date
    count: int
    verdicts: list[Verdict]
    not_evaluated: list[NotEvaluated] = Field(default_factory=list,
                                              description="cases that could not be evaluated, with the reason")


def _body_schema() -> dict[str, Any]:
    """EvaluateCases as a request body; its nested models (Case, ...) are already among the components."""
    schema = EvaluateCases.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    return schema


EVALUATE_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": _body_schema()}}}}


_NOT_EVALUATED = TypeAdapter(list[NotEvaluated])


def verdicts_response(as_of: date, serialized: Sequence[bytes], failures: list[evaluation.CaseFailure]) -> Response:
    """The `Verdicts` document (byte for byte what `Verdicts.model_dump_json()` writes) from the verdicts'
    JSON (`audit.verdict_json`): each verdict is serialised once, for the audit digest and the answer,
    and never validated again."""
    failed = _NOT_EVALUATED.dump_json([NotEvaluated(case_no=f.case_no, reason=f.reason) for f in failures])
    body = b"".join((b'{"as_of":"', as_of.isoformat().encode(), b'","count":', str(len(serialized)).encode(),
                     b',"verdicts":[', b",".join(serialized), b'],"not_evaluated":', failed, b"}"))
    return Response(content=body, media_type="application/json")


def parse_body(raw: bytes) -> EvaluateCases:
    """The body straight from JSON bytes (pydantic-core's fastest path); errors as FastAPI reports them."""
    try:
        return EvaluateCases.model_validate_json(raw)
    except ValidationError as e:
        errors = [{**err, "loc": ("body", *err["loc"])} for err in e.errors(include_url=False, include_input=False)]
        raise RequestValidationError(errors) from None


@router.post("", response_model=Verdicts, openapi_extra=EVALUATE_BODY,
             summary="Verdicts for posted cases; nothing is stored")
async def evaluate_posted(request: Request, key: AnyKeyDep, session: SessionDep, network: NetworkDep,
                          rules: RuleEngineDep) -> Response:
    raw = await request.body()
    return await run_in_threadpool(_evaluate_posted, raw, request, key, session, network, rules)


def _evaluate_posted(raw: bytes, request: Request, key: Principal, session: Session,
                     network: CourtNetwork, rules: RuleEngine) -> Response:
    body = parse_body(raw)
    as_of = body.as_of or today()
    problems = check_cases(body.cases, as_of=as_of, network=network)
    if problems:
        raise DataError(f"{len({p.row for p in problems})} of {len(body.cases)} cases cannot be evaluated", problems)
    for case in body.cases:
        key.check_case(network, case)
    result = evaluation.evaluate_each(body.cases, network, as_of, engine=rules)
    serialized = [audit_service.verdict_json(v) for v in result.verdicts]
    audit_service.record_verdicts(session=session, verdicts=result.verdicts, actor=key.actor, stored=False,
                                  serialized=serialized)
    session.commit()
    request.app.state.metrics.cases_evaluated.inc(len(result.verdicts))
    return verdicts_response(as_of, serialized, result.failures)


@router.post("/stored", response_model=Verdicts, responses=errors(404),
             summary="Verdicts for stored cases by number (stored unless save=false)")
def evaluate_stored(body: EvaluateStored, request: Request, key: AnyKeyDep, session: SessionDep,
                    network: NetworkDep, rules: RuleEngineDep) -> Response:
    as_of = body.as_of or today()
    if body.save:
        require_not_future(as_of)
    wanted = list(dict.fromkeys(body.case_nos))
    unreadable: dict[str, str] = {}  # case_no -> why it is not evaluated (reported in the answer)
    cases = repository.get_cases(session=session, case_nos=wanted, unreadable=unreadable)
    missing = sorted(set(wanted) - {c.case_no for c in cases} - set(unreadable))
    if missing:
        more = f" (+{len(missing) - 20} more)" if len(missing) > 20 else ""
        raise NotFound(f"{len(missing)} case numbers are not stored: {', '.join(missing[:20])}{more}")
    for case in cases:
        key.check_case(network, case)
    # a stored case that does not fit this day is reported, not fatal
    for problem in check_cases(cases, as_of=as_of, network=network):
        unreadable.setdefault(problem.key or "", f"{problem.field}: {problem.reason}")
    result = evaluation.evaluate_each([c for c in cases if c.case_no not in unreadable], network, as_of, engine=rules)
    if body.save:
        repository.save_verdicts(session=session, verdicts=result.verdicts)
    serialized = [audit_service.verdict_json(v) for v in result.verdicts]
    audit_service.record_verdicts(session=session, verdicts=result.verdicts, actor=key.actor, stored=body.save,
                                  serialized=serialized)
    request.app.state.metrics.cases_evaluated.inc(len(result.verdicts))
    failures = [evaluation.CaseFailure(no, why) for no, why in unreadable.items()] + result.failures
    return verdicts_response(as_of, serialized, failures)
