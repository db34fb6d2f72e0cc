"""`assign documents lead-notice ID --out FILE`: the draft 恢复执行通知 of a stored restoration lead.

The same function as `GET /v1/leads/{id}/notice.docx` (`api.service.lead_notice`): the same refusals, the same
masked party ids, one `document.drafted` audit record (actor `cli`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from api.cli.common import cli_errors, out
from api.config import get_settings
from api.documents import PdfUnavailable
from api.service import store
from api.service.lead_notice import lead_notice
from assign.db import session_scope
from assign.errors import DataError


def register(app: typer.Typer) -> None:
    documents = typer.Typer(help="Document drafts (草稿) for a judge to review.", no_args_is_help=True)

    @documents.command("lead-notice")
    def lead_notice_cmd(
        lead_id: int = typer.Argument(..., min=1, help="the lead's id (GET /v1/leads, `assign leads --json`)"),
        out_file: Path = typer.Option(..., "--out", help="the file to write (.docx or .pdf)"),
        issue_date: str = typer.Option(None, "--issue-date", help="the notice's date YYYY-MM-DD (default today)"),
        serial: int = typer.Option(None, "--serial", min=1, max=999999, help="文号序号 (blank when omitted)"),
    ) -> None:
        """Write the draft 恢复执行通知 to the enforcing court for a restoration lead (终本 case)."""
        with cli_errors():
            fmt = out_file.suffix.lower().lstrip(".")
            if fmt not in ("docx", "pdf"):
                raise DataError(f"--out must end in .docx or .pdf, not {out_file.name!r}")
            try:
                day = date.fromisoformat(issue_date) if issue_date else date.today()
            except ValueError:
                raise DataError(f"--issue-date {issue_date!r} is not a date (YYYY-MM-DD)") from None
            engine = store.open_store(get_settings().database_url)
            network = store.current_network(engine)
            try:
                with session_scope(engine) as session:
                    notice = lead_notice(session=session, network=network, lead_id=lead_id, fmt=fmt, issue_date=day,
                                         serial=serial, actor="cli")
            except PdfUnavailable as e:
                raise DataError(str(e)) from None
            out_file.write_bytes(notice.body)
            out.print(f"wrote {notice.draft.kind.label_zh}（草稿） for {notice.draft.case_no} to {out_file}",
                      highlight=False)

    app.add_typer(documents, name="documents")
