"""Document drafts over HTTP: GET /v1/documents/{case_no}/{kind}.docx (or .pdf).

The key must reach the case (a dispatcher: within its court's jurisdiction). The draft is
filled from the stored case, its latest verdict and the decision on its recommendation (or
the recommendation while undecided). Party IDs appear in full only for roles that may see
them. Each download is written to the audit chain: who drafted what, from which decision.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response

from api.console.lookup import current_recommendation, disposition_for
from api.deps import AnyKeyDep, NetworkDep, SessionDep
from api.documents import (
    DOCX_MEDIA_TYPE,
    PDF_MEDIA_TYPE,
    DocumentKind,
    PdfUnavailable,
    build_draft,
    render_docx,
    render_pdf,
)
from api.routes._shared import AUTH_ERRORS, TextPath, errors, today
from assign import audit, repository

router = APIRouter(prefix="/v1", tags=["documents"], responses=AUTH_ERRORS)

FORMATS = {"docx": DOCX_MEDIA_TYPE, "pdf": PDF_MEDIA_TYPE}
KindPath = Annotated[str, Path(pattern=r"^(order|escalate|designate)\.(docx|pdf)$",
                               description="order.docx | escalate.docx | designate.docx (or .pdf)")]


@router.get("/documents/{case_no}/{file}", responses={**errors(404, 409), 501: {"description": "PDF unavailable"}},
            response_class=Response, summary="A draft 督促执行令 / 执行裁定书 (提级 or 指定) for a case, .docx or .pdf")
def document_draft(
    case_no: TextPath, file: KindPath, key: AnyKeyDep, session: SessionDep, network: NetworkDep,
    issue_date: Annotated[date | None, Query(description="the document's date (default today)")] = None,
    serial: Annotated[int | None, Query(ge=1, le=999999, description="案号序号; blank when omitted")] = None,
) -> Response:
    kind_name, fmt = file.split(".")
    kind = DocumentKind(kind_name)
    case = repository.get_case(session=session, case_no=case_no)
    key.check_case(network, case, f"documents of case {case_no}")
    verdict = repository.latest_verdict(session=session, case_no=case_no)
    current = current_recommendation(session=session, case_no=case_no, forum=verdict.forum)
    disposition = disposition_for(verdict=verdict, current=current)
    draft = build_draft(kind, case=case, verdict=verdict, disposition=disposition, network=network,
                        issue_date=issue_date or today(), serial=serial, reveal_ids=key.sees_party_ids)
    if fmt == "pdf":
        try:
            body = render_pdf(draft)
        except PdfUnavailable as e:
            return JSONResponse({"error": "not_implemented", "detail": str(e)}, status_code=501)
    else:
        body = render_docx(draft)
    audit.append(session=session, kind="document.drafted", subject=case_no, actor=key.actor,
                 payload={"kind": kind.value, "format": fmt, "number": draft.number, "source": disposition.source,
                          "receiving_court": draft.receiving_court, "issue_date": draft.issue_date.isoformat(),
                          "recommendation_id": current.recommendation_id if current else None})
    filename = f"{draft.filename}.{fmt}"
    return Response(body, media_type=FORMATS[fmt], headers={
        "Content-Disposition": f"attachment; filename=\"document.{fmt}\"; filename*=UTF-8''{quote(filename)}"})
