"""Drafts of the Art. 237 documents: 督促执行令, 执行裁定书（提级执行）, 执行裁定书（指定执行）, and the
恢复执行通知 on a restoration lead (`restoration.py`).

Pure: (case, verdict, decision-or-recommendation, network, issue date) -> bytes. The route
that serves them (`api.routes.documents`) does the access checks and the loading.
"""

from __future__ import annotations

from datetime import date

from api.documents.docx_render import render_docx
from api.documents.draft import build_draft, check_allowed
from api.documents.model import Disposition, DocumentDraft, DocumentKind
from api.documents.pdf_render import PdfUnavailable, cjk_font_path, render_pdf
from api.documents.restoration import build_restoration_notice, check_restoration
from assign.network import CourtNetwork
from assign.schemas import Case, Verdict

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MEDIA_TYPE = "application/pdf"

__all__ = [
    "DOCX_MEDIA_TYPE", "PDF_MEDIA_TYPE", "Disposition", "DocumentDraft", "DocumentKind", "PdfUnavailable",
    "build_draft", "build_restoration_notice", "check_allowed", "check_restoration", "cjk_font_path", "docx_bytes",
    "render_docx", "render_pdf",
]


def docx_bytes(kind: DocumentKind, *, case: Case, verdict: Verdict, disposition: Disposition,
               network: CourtNetwork, issue_date: date, serial: int | None = None,
               reveal_ids: bool = False) -> bytes:
    """The one-call form of the design: (case, verdict, disposition, network, date) -> .docx bytes."""
    draft = build_draft(kind, case=case, verdict=verdict, disposition=disposition, network=network,
                        issue_date=issue_date, serial=serial, reveal_ids=reveal_ids)
    return render_docx(draft)
