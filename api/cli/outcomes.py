"""`assign outcomes import FILE` and `assign outcomes report`: what every transfer achieved (issue 17 §3)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import typer
from rich.table import Table

from api.cli.common import EXIT_INVALID_INPUT, cli_errors, out, parse_as_of, print_rejected, write_json_stdout
from api.cli.options import ImportAsOf, JsonOut, JsonReport
from api.cli.stores import configured_store
from api.service import store
from api.service.outcomes import ingest_progress, read_progress_file, report_csv
from assign.db import session_scope
from assign.errors import DataError
from assign.fields import require_not_future
from assign.outcome_report import OutcomeReport, outcome_report
from assign.outcomes import Source


def register(app: typer.Typer) -> None:
    outcomes = typer.Typer(help="Progress of transferred cases and what each receiving court achieved.",
                           no_args_is_help=True)

    @outcomes.command("import")
    def import_(
        file: Path = typer.Argument(..., help="progress events as CSV (case_no,kind,on,measure,result,recovered,"
                                              "status) or JSON (array or one event a line)"),
        as_of: ImportAsOf = None,
        json_report: JsonReport = False,
    ) -> None:
        """Record progress events (idempotent by case_no, kind, on); bad rows are reported, good rows stored."""
        with cli_errors():
            day = require_not_future(parse_as_of(as_of))
            rows = read_progress_file(file)
            engine = configured_store()
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
                print_rejected(report.rejected)
            if not report.ok:
                raise typer.Exit(EXIT_INVALID_INPUT)

    @outcomes.command("report")
    def report(
        as_of: str = typer.Option(None, "--as-of", help="the day to measure on YYYY-MM-DD (default: today)"),
        province: str = typer.Option(None, "--province", help="only receiving courts of this province (e.g. 51)"),
        as_json: JsonOut = False,
        csv_out: Path = typer.Option(None, "--csv", help="also write the report as CSV to this file"),
    ) -> None:
        """Per receiving court: time to first measure, recovery rate, substantive progress at 3 and 6 months,
        against the court's own cases and the province."""
        with cli_errors():
            day = parse_as_of(as_of)
            if province is not None and not re.fullmatch(r"[0-9]{2}", province):
                raise DataError(f"--province {province!r}: a two-digit division prefix, e.g. 51")
            engine = configured_store()
            network = store.current_network(engine)
            with session_scope(engine) as session:
                result = outcome_report(session=session, network=network, as_of=day, province=province)
            if csv_out is not None:
                csv_out.write_text(report_csv(result), encoding="utf-8")
            if as_json:
                write_json_stdout(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
            else:
                _print(result)

    app.add_typer(outcomes, name="outcomes")


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.0%}"


def _days(v: float | None) -> str:
    return "-" if v is None else f"{v:g}"


def _print(result: OutcomeReport) -> None:
    table = Table(title=f"移送执行成效 {result.as_of} (移送 / 本院自办 / 全省移送)")
    for c in ("法院", "移送案件", "首次措施(中位天数)", "到位率", "3个月实质进展", "6个月实质进展"):
        table.add_column(c)
    provinces = {p.province: p for p in result.provinces}
    for row in result.courts:
        sides = (row.transferred, row.own, provinces[row.province].transferred)
        table.add_row(f"{row.court_name} {row.court_code}", f"{row.transferred.cases} / {row.own.cases}",
                      " / ".join(_days(f.median_days_to_first_measure) for f in sides),
                      " / ".join(_pct(f.recovery_rate) for f in sides),
                      " / ".join(_pct(f.share_3m) for f in sides), " / ".join(_pct(f.share_6m) for f in sides))
    out.print(table)
    if not result.courts:
        out.print("no transfer decided by this day (accept or override a recommendation first)")
