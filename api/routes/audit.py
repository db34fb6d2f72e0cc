"""Audit: the hash-chained log of verdicts, plans and decisions, and its verification."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import AdminKeyDep, EngineDep, SessionDep, SettingsDep
from api.routes._shared import AUTH_ERRORS, Cursor, Limit
from api.service import audit as audit_service
from assign import audit
from assign.masking import mask_strings

router = APIRouter(prefix="/v1/audit", tags=["audit"], responses=AUTH_ERRORS)


class AuditRecordOut(BaseModel):
    seq: int
    kind: str
    subject: str
    actor: str
    created_at: str
    payload: Any
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    data: list[AuditRecordOut]
    next_after: int


class VerifyReport(BaseModel):
    ok: bool
    records: int
    first_broken_seq: int | None
    reason: str | None
    anchor_seq: int | None = Field(description="the seq of the latest external anchor checked (None: no anchor)")
    anchored_at: str | None


@router.get("", response_model=AuditPage, summary="Audit records after a sequence number (admin)")
def list_audit(_key: AdminKeyDep, session: SessionDep, after: Cursor = 0, limit: Limit = 100,
               kind: str | None = Query(default=None, max_length=32),
               subject: str | None = Query(default=None, max_length=200)) -> dict[str, Any]:
    rows = audit.list_records(session=session, after=after, limit=limit, kind=kind, subject=subject)
    # free text (reasons, justifications) could quote an ID number; the hashes cover the stored text
    data = [{**r.model_dump(), "payload": mask_strings(audit_service.payload_of(r))} for r in rows]
    return {"data": data, "next_after": rows[-1].seq if rows else after}


@router.get("/verify", response_model=VerifyReport, summary="Check every link of the chain; name the first broken one")
def verify(_key: AdminKeyDep, engine: EngineDep, settings: SettingsDep) -> dict[str, Any]:
    return audit_service.verify_chain(engine, settings)
