"""What every transfer achieved (issue 17 §3): progress events in; per receiving court figures out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import ImporterKeyDep, SessionDep
from api.routes._shared import AUTH_ERRORS, errors, today
from api.service.outcomes import ProgressImport, ingest_progress
from assign.fields import WriteDate
from assign.outcomes import Source

router = APIRouter(prefix="/v1/outcomes", tags=["outcomes"], responses=AUTH_ERRORS)


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
