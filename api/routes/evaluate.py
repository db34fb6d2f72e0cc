"""Evaluate: verdicts for posted cases (nothing stored) or for stored cases by number."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.deps import AnyKeyDep, NetworkDep, SessionDep
from api.routes._shared import AUTH_ERRORS, errors, today
from api.service import audit as audit_service
from api.service import evaluation
from assign import repository
from assign.errors import DataError, NotFound, RowProblem
from assign.interchange import context_problems
from assign.schemas import Case, Verdict

router = APIRouter(prefix="/v1/evaluate", tags=["evaluate"], responses=AUTH_ERRORS)
MAX_BATCH = 50_000


class EvaluateCases(BaseModel):
    as_of: date | None = Field(default=None, description="evaluation date (default: today)")
    cases: list[Case] = Field(min_length=1, max_length=MAX_BATCH)


class EvaluateStored(BaseModel):
    as_of: date | None = None
    case_nos: list[str] = Field(min_length=1, max_length=MAX_BATCH)
    save: bool = Field(default=True, description="store the verdicts (one per case, day and rulebook)")


class Verdicts(BaseModel):
    as_of: date
    count: int
    verdicts: list[Verdict]


@router.post("", response_model=Verdicts, summary="Verdicts for posted cases; nothing is stored")
def evaluate_posted(body: EvaluateCases, request: Request, key: AnyKeyDep, session: SessionDep,
                    network: NetworkDep) -> dict[str, Any]:
    as_of = body.as_of or today()
    problems = []
    seen: dict[str, int] = {}
    for row, case in enumerate(body.cases, start=1):
        problems += context_problems(case, row, as_of=as_of, network=network)
        if case.case_no in seen:
            problems.append(_dup(row, case.case_no, seen[case.case_no]))
        seen.setdefault(case.case_no, row)
    if problems:
        raise DataError(f"{len({p.row for p in problems})} of {len(body.cases)} cases cannot be evaluated", problems)
    for case in body.cases:
        key.check_case(network, case)
    verdicts = evaluation.evaluate_cases(body.cases, network, as_of)
    audit_service.record_verdicts(session=session, verdicts=verdicts, actor=key.actor, stored=False)
    request.app.state.metrics.cases_evaluated.inc(len(verdicts))
    return {"as_of": as_of, "count": len(verdicts), "verdicts": verdicts}


def _dup(row: int, case_no: str, first: int) -> RowProblem:
    return RowProblem(row, "case_no", f"duplicate case_no in this request (first at row {first})", case_no)


@router.post("/stored", response_model=Verdicts, responses=errors(404),
             summary="Verdicts for stored cases by number (stored unless save=false)")
def evaluate_stored(body: EvaluateStored, request: Request, key: AnyKeyDep, session: SessionDep,
                    network: NetworkDep) -> dict[str, Any]:
    as_of = body.as_of or today()
    wanted = list(dict.fromkeys(body.case_nos))
    cases = repository.get_cases(session=session, case_nos=wanted)
    missing = sorted(set(wanted) - {c.case_no for c in cases})
    if missing:
        more = f" (+{len(missing) - 20} more)" if len(missing) > 20 else ""
        raise NotFound(f"{len(missing)} case numbers are not stored: {', '.join(missing[:20])}{more}")
    for case in cases:
        key.check_case(network, case)
    problems = [p for row, case in enumerate(cases, start=1) for p in context_problems(case, row, as_of=as_of,
                                                                                         network=network)]
    if problems:
        raise DataError(f"stored cases cannot be evaluated on {as_of}", problems)
    verdicts = evaluation.evaluate_cases(cases, network, as_of)
    if body.save:
        repository.save_verdicts(session=session, verdicts=verdicts)
    audit_service.record_verdicts(session=session, verdicts=verdicts, actor=key.actor, stored=body.save)
    request.app.state.metrics.cases_evaluated.inc(len(verdicts))
    return {"as_of": as_of, "count": len(verdicts), "verdicts": verdicts}
