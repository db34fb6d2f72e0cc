"""Asset registers and restoration leads: register feed import, the stored leads (jurisdiction-scoped), a pass."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import AnyKeyDep, EngineDep, ImporterKeyDep, NetworkDep, SessionDep
from api.documents import DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE, PdfUnavailable
from api.routes._shared import (
    AUTH_ERRORS,
    CourtQuery,
    Cursor,
    Limit,
    StorePassDep,
    body_format,
    cursor_page,
    errors,
    spool_body,
    today,
)
from api.service.lead_notice import lead_notice
from api.service.leads import run_leads
from assign import events
from assign import leads as lead_store
from assign.db import session_scope
from assign.errors import RowProblem
from assign.leads import LeadState
from assign.register_import import import_register_file, report_dict

router = APIRouter(tags=["registers"], responses=AUTH_ERRORS)


class RegisterImportOut(BaseModel):
    stored: int
    updated: int
    unchanged: int
    rejected: int
    problems: list[RowProblem]


class LeadsPage(BaseModel):
    data: list[dict[str, Any]] = Field(description="leads (`Lead` + id, active, resolved_on); debtor id masked")
    next_after: int
    has_more: bool


class LeadPassOut(BaseModel):
    as_of: date
    pairs: int
    new: int
    resolved: int
    events: int
    by_state: dict[str, int]


REGISTER_BODY = {"requestBody": {"required": True, "description": (
    "Register records (assign/registers.py): record_id, party_id, asset_kind (vehicle, real_estate, bank_account, "
    "equity), registered_on, released_on (null = still held), registry, location_division, value. "
    "A JSON array, JSON lines or CSV with these columns."), "content": {
    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
    "application/x-ndjson": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}}}


@router.post("/v1/registers/import", response_model=RegisterImportOut, openapi_extra=REGISTER_BODY,
             summary="Import register feed rows (upsert by record_id): each stored, updated, unchanged or rejected")
async def import_registers(request: Request, _key: ImporterKeyDep, engine: EngineDep) -> dict[str, Any]:
    fmt = body_format(request.headers.get("content-type", ""))
    body = await spool_body(request)

    def run() -> dict[str, Any]:
        try:
            report = import_register_file(engine, body, fmt=fmt)
        finally:
            body.close()
        out = report_dict(report)
        with session_scope(engine) as session:
            events.publish(session=session, kind="registers.imported", subject=f"{report.counts['stored']} new",
                           payload={k: out[k] for k in ("stored", "updated", "unchanged", "rejected")})
        return out

    return await run_in_threadpool(run)


@router.get("/v1/leads", response_model=LeadsPage, responses=errors(404),
            summary="Active restoration leads (恢复执行线索) in this key's jurisdiction, by cursor")
def list_leads(key: AnyKeyDep, session: SessionDep, network: NetworkDep, court: str | None = CourtQuery,
               state: LeadState | None = None,
               kind: str | None = Query(default=None, pattern=r"^(restoration|new_asset)$"),
               after: Cursor = 0, limit: Limit = 100) -> dict[str, Any]:
    rows = lead_store.list_leads(session=session, court_codes=key.court_scope(network, court),
                                 state=state.value if state else None, kind=kind, after=after, limit=limit)
    return cursor_page(rows, lead_store.payload_of, after=after, limit=limit)


@router.post("/v1/leads/run", response_model=LeadPassOut, responses=errors(409),
             summary="Match the registers against every open and 终本 case; store and publish the leads (admin)")
async def run_lead_pass(run: StorePassDep) -> dict[str, Any]:
    found = await run_in_threadpool(lambda: run_leads(run.engine, run.as_of, network=run.network,
                                                      action_days=run.settings.lead_action_days))
    return {"as_of": run.as_of, "pairs": found.pairs, "new": found.new, "resolved": found.resolved,
            "events": found.events, "by_state": dict(found.counts)}


NoticeFile = Annotated[str, Path(pattern=r"^notice\.(docx|pdf)$", description="notice.docx | notice.pdf")]


@router.get("/v1/leads/{lead_id}/{file}", response_class=Response,
            responses={**errors(404, 409), 501: {"description": "PDF unavailable"}},
            summary="A draft 恢复执行通知 to the enforcing court on a restoration lead, .docx or .pdf")
def lead_notice_draft(lead_id: Annotated[int, Path(ge=1, le=2**62)], file: NoticeFile, key: AnyKeyDep,
                      session: SessionDep, network: NetworkDep,
                      issue_date: Annotated[date | None, Query(description="the notice's date (default today)")] = None,
                      serial: Annotated[int | None, Query(ge=1, le=999999, description="文号序号; blank when omitted")]
                      = None) -> Response:
    fmt = file.split(".")[1]
    try:
        notice = lead_notice(session=session, network=network, lead_id=lead_id, fmt=fmt,
                             issue_date=issue_date or today(), serial=serial, actor=key.actor,
                             check_case=lambda case: key.check_case(network, case, f"lead {lead_id}"))
    except PdfUnavailable as e:
        return JSONResponse({"error": "not_implemented", "detail": str(e)}, status_code=501)
    media = PDF_MEDIA_TYPE if fmt == "pdf" else DOCX_MEDIA_TYPE
    return Response(notice.body, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"notice.{fmt}\"; filename*=UTF-8''{quote(notice.filename)}"})
