"""Cases: batch import (JSON or CSV), read one, push status and events."""

from __future__ import annotations

import csv
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.deps import AnyKeyDep, EngineDep, ImporterKeyDep, NetworkDep, SessionDep
from api.routes._shared import AUTH_ERRORS, TextPath, body_format, errors, spool_body, today
from api.security import case_view
from api.service import store
from api.service.case_updates import CaseUpdate, update_case
from assign import events, repository
from assign.db import session_scope
from assign.errors import DataError, RowProblem
from assign.fields import WriteDate
from assign.schemas import Case

router = APIRouter(prefix="/v1/cases", tags=["cases"], responses=AUTH_ERRORS)


class ImportReportOut(BaseModel):
    stored: int
    updated: int
    unchanged: int
    rejected: int
    stored_case_nos: list[str]
    updated_case_nos: list[str]
    unchanged_case_nos: list[str]
    problems: list[RowProblem]


class CaseUpdated(BaseModel):
    case: dict[str, Any]
    changed: list[str]


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "Cases in the interchange format: a JSON array (or {\"cases\": [...]}), JSON lines, or CSV "
                       "with the field names as columns (lists and objects as JSON in one cell).",
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Case"}}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


@router.post("/import", response_model=ImportReportOut, openapi_extra=IMPORT_BODY,
             summary="Import cases (upsert by case_no): every row stored, updated, unchanged or rejected with a reason")
async def import_cases(request: Request, _key: ImporterKeyDep, engine: EngineDep, network: NetworkDep,
                       as_of: WriteDate | None = None) -> ImportReportOut:
    fmt = body_format(request.headers.get("content-type", ""))
    day = as_of or today()
    body = await spool_body(request)

    def run() -> ImportReportOut:
        try:
            report = store.import_case_file(engine, body, fmt=fmt, as_of=day, network=network)
        except csv.Error as e:  # the CSV reader stops at malformed quoting/newlines instead of reporting a row
            raise DataError(f"not valid CSV: {e}") from None
        except UnicodeDecodeError as e:
            raise DataError(f"the body is not UTF-8 text: {e}") from None
        finally:
            body.close()
        with session_scope(engine) as session:
            events.publish(session=session, kind="cases.imported", subject=f"{report.counts['stored']} new",
                           payload={**report.counts, "rejected": report.rejected_rows})
        return ImportReportOut(
            stored=report.counts["stored"], updated=report.counts["updated"],
            unchanged=report.counts["unchanged"], rejected=report.rejected_rows, stored_case_nos=report.stored,
            updated_case_nos=report.updated, unchanged_case_nos=report.unchanged,
            problems=[p.masked() for p in report.rejected])

    return await run_in_threadpool(run)


@router.get("/{case_no}", response_model=None, responses={200: {"model": Case}, **errors(404)},
            summary="One stored case (party IDs masked unless integration)")
def get_case(case_no: TextPath, key: AnyKeyDep, session: SessionDep, network: NetworkDep) -> dict[str, Any]:
    case = repository.get_case(session=session, case_no=case_no)
    key.check_case(network, case)
    return case_view(case, key)


@router.patch("/{case_no}", response_model=CaseUpdated, responses=errors(404),
              summary="Push status and events: measures, periods, orders, petitions (merged, then validated)")
def patch_case(case_no: TextPath, update: CaseUpdate, key: ImporterKeyDep, session: SessionDep,
               network: NetworkDep, as_of: WriteDate | None = None) -> dict[str, Any]:
    case = repository.get_case(session=session, case_no=case_no)
    new, changed = update_case(session=session, network=network, case=case, update=update, as_of=as_of or today())
    return {"case": case_view(new, key), "changed": changed}
