"""What every transfer achieved (issue 17 §3): progress events in; per receiving court figures out."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import AnyKeyDep, ImporterKeyDep, NetworkDep, SessionDep
from api.routes._shared import AUTH_ERRORS, errors, today
from api.security import Principal
from api.service.outcomes import ProgressImport, ingest_progress, report_csv
from assign.fields import WriteDate
from assign.network import CourtNetwork
from assign.outcome_report import OutcomeReport, outcome_report
from assign.outcomes import Source

router = APIRouter(prefix="/v1/outcomes", tags=["outcomes"], responses=AUTH_ERRORS)
ProvinceQuery = Query(default=None, pattern=r"^[0-9]{2}$", description="a province: two-digit division prefix, e.g. 51")


class ProgressBatch(BaseModel):
    events: list[dict[str, Any]] = Field(
        max_length=10_000,
        description="progress events (`ProgressEvent`: case_no, kind measure|recovered|status, on, and the value "
                    "its kind needs); each row is recorded or rejected on its own",
        examples=[[{"case_no": "(2024)川0104执900号", "kind": "measure", "on": "2024-09-02", "measure": "freeze"},
                   {"case_no": "(2024)川0104执900号", "kind": "recovered", "on": "2024-10-15", "recovered": "120000"},
                   {"case_no": "(2024)川0104执900号", "kind": "status", "on": "2024-12-01", "status": "concluded"}]])


@router.post("", response_model=ProgressImport, responses=errors(422),
             summary="Record progress events (idempotent by case_no, kind, on: a replay changes nothing)")
def post_progress(batch: ProgressBatch, _key: ImporterKeyDep, session: SessionDep,
                  as_of: WriteDate | None = None) -> ProgressImport:
    day = as_of or today()
    return ingest_progress(session=session, rows=batch.events, source=Source.API, as_of=day)


def _report(key: Principal, session: SessionDep, network: CourtNetwork, as_of: date | None,
            province: str | None) -> OutcomeReport:
    """The report over the receiving courts this key may see (a dispatcher: its jurisdiction, 本辖区)."""
    return outcome_report(session=session, network=network, as_of=as_of or today(),
                          court_codes=key.scope_codes(network), province=province)


@router.get("/report", response_model=OutcomeReport,
            summary="Per receiving court: time to first measure, recovery rate, substantive progress at 3 and 6 "
                    "months; against its own cases and the province (this key's jurisdiction)")
def get_report(key: AnyKeyDep, session: SessionDep, network: NetworkDep, as_of: date | None = None,
               province: str | None = ProvinceQuery) -> OutcomeReport:
    return _report(key, session, network, as_of, province)


@router.get("/report.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}},
            summary="The same report as CSV (one row per receiving court)")
def get_report_csv(key: AnyKeyDep, session: SessionDep, network: NetworkDep, as_of: date | None = None,
                   province: str | None = ProvinceQuery) -> Response:
    report = _report(key, session, network, as_of, province)
    return Response(report_csv(report), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="outcomes-{report.as_of.isoformat()}.csv"'})
