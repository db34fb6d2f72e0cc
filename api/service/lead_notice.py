"""The 恢复执行通知 draft of one stored restoration lead, as .docx or .pdf: one function for the API and the CLI.

Loads the lead (`restoration_lead` row) and its case as they are now, lets the caller check access on the case,
builds the draft (`api.documents.restoration`, which refuses a lead that needs no notice), renders it and writes
one `document.drafted` audit record in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from api.documents import DocumentDraft, build_restoration_notice, render_docx, render_pdf
from assign import audit, repository
from assign.errors import Conflict, DataError, NotFound
from assign.leads import Lead, LeadRow
from assign.network import CourtNetwork
from assign.schemas import Case

FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class LeadNotice:
    draft: DocumentDraft
    body: bytes
    fmt: str

    @property
    def filename(self) -> str:
        return f"{self.draft.filename}.{self.fmt}"


def lead_notice(*, session: Session, network: CourtNetwork, lead_id: int, fmt: str, issue_date: date,
                actor: str, serial: int | None = None, check_case: Callable[[Case], None] | None = None) -> LeadNotice:
    """The draft of lead `lead_id`. NotFound for an unknown lead, Conflict for one that needs no notice (resolved,
    acted on, not a 终本 case's), PdfUnavailable (from the renderer) when PDF cannot be made here."""
    if fmt not in FORMATS:
        raise DataError(f"format must be docx or pdf, not {fmt!r}")
    row = session.get(LeadRow, lead_id)
    if row is None:
        raise NotFound(f"no lead {lead_id}")
    case = repository.get_case(session=session, case_no=row.case_no)
    if check_case is not None:
        check_case(case)
    if not row.active:
        raise Conflict(f"线索 {lead_id} 已于{row.resolved_on}解除（财产已记载或案件已结），无需通知")
    draft = build_restoration_notice(lead=Lead.model_validate_json(row.data), case=case, network=network,
                                     issue_date=issue_date, serial=serial, lead_id=lead_id)
    body = render_pdf(draft) if fmt == "pdf" else render_docx(draft)
    audit.append(session=session, kind="document.drafted", subject=case.case_no, actor=actor,
                 payload={"kind": draft.kind.value, "format": fmt, "number": draft.number, "source": "lead",
                          "lead_id": lead_id, "receiving_court": draft.receiving_court,
                          "issue_date": issue_date.isoformat()})
    return LeadNotice(draft, body, fmt)
