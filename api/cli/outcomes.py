"""`assign outcomes import FILE` and `assign outcomes report`: what every transfer achieved (issue 17 §3)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from api.cli.common import EXIT_INVALID_INPUT, cli_errors, err, out, parse_as_of, write_json_stdout
from api.config import get_settings
from api.service import store
from api.service.outcomes import ingest_progress, read_progress_file
from assign.db import session_scope
from assign.fields import require_not_future
from assign.outcomes import Source


def register(app: typer.Typer) -> None:
    outcomes = typer.Typer(help="Progress of transferred cases and what each receiving court achieved.",
                           no_args_is_help=True)

    @outcomes.command("import")
    def import_(
        file: Path = typer.Argument(..., help="progress events as CSV (case_no,kind,on,measure,result,recovered,"
                                              "status) or JSON (array or one event a line)"),
        as_of: str = typer.Option(None, "--as-of", help="reject dates after this day (default: today)"),
        json_report: bool = typer.Option(False, "--json", help="print the row-level report as JSON"),
    ) -> None:
        """Record progress events (idempotent by case_no, kind, on); bad rows are reported, good rows stored."""
        with cli_errors():
            day = require_not_future(parse_as_of(as_of))
            rows = read_progress_file(file)
            engine = store.open_store(get_settings().database_url)
            with session_scope(engine) as session:
                report = ingest_progress(session=session, rows=rows, source=Source.IMPORT, as_of=day)
            if json_report:
                write_json_stdout(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))
            else:
                table = Table(title=f"progress import {file.name}")
                for c in ("new", "updated", "unchanged", "rejected"):
                    table.add_column(c, justify="right")
                r = report.recorded
                table.add_row(str(r.new), str(r.updated), str(r.unchanged), str(len(report.rejected)))
                out.print(table)
                for p in report.rejected[:200]:
                    who = f" ({p.case_no})" if p.case_no else ""
                    err.print(f"[red]rejected[/red] {escape(f'row {p.row}{who}: {p.field}: {p.reason}')}",
                              highlight=False)
            if not report.ok:
                raise typer.Exit(EXIT_INVALID_INPUT)

    app.add_typer(outcomes, name="outcomes")
