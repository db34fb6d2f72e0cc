"""`assign cases import|show` and `assign courts load|info`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli.common import EXIT_INVALID_INPUT, cli_errors, err, out, parse_as_of, print_rejected, write_json_stdout
from api.cli.options import ImportAsOf, JsonReport
from api.cli.stores import configured_store
from api.service import store
from assign import repository
from assign.db import session_scope
from assign.masking import mask_id


def _report_table(report_dict: dict[str, object]) -> Table:
    t = Table(title="import")
    for k in ("stored", "updated", "unchanged", "rejected"):
        t.add_column(k, justify="right")
    t.add_row(*(str(report_dict[k]) for k in ("stored", "updated", "unchanged", "rejected")))
    return t


def register(app: typer.Typer) -> None:
    cases = typer.Typer(help="Cases in the store.", no_args_is_help=True)
    courts = typer.Typer(help="The active court network.", no_args_is_help=True)

    @cases.command("import")
    def import_(
        file: Path = typer.Argument(..., help="cases as JSON (array or lines) or CSV (interchange format v1)"),
        as_of: ImportAsOf = None,
        json_report: JsonReport = False,
    ) -> None:
        """Import (upsert by case_no) a case file; bad rows are reported, good rows stored."""
        with cli_errors():
            day = parse_as_of(as_of)
            engine = configured_store()
            with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=err, transient=True) as bar:
                task = bar.add_task("import", total=None)
                report = store.import_case_file(engine, file, as_of=day, progress=lambda n: bar.advance(task, n))
            d = report.as_dict()
            if json_report:
                write_json_stdout(json.dumps(d, ensure_ascii=False, indent=2))
            else:
                out.print(_report_table(d))
                print_rejected(report.rejected)
            if not report.ok:
                raise typer.Exit(EXIT_INVALID_INPUT)

    @cases.command("show")
    def show(case_no: str, reveal_ids: bool = typer.Option(False, help="show party ID numbers unmasked")) -> None:
        """Print one stored case as JSON (party IDs masked unless --reveal-ids)."""
        with cli_errors():
            engine = configured_store()
            with session_scope(engine) as session:
                case = repository.get_case(session=session, case_no=case_no)
            d = case.model_dump(mode="json")
            if not reveal_ids:
                for party in ("debtor", "applicant"):
                    d[party]["id"] = mask_id(d[party]["id"])
            write_json_stdout(json.dumps(d, ensure_ascii=False, indent=2))

    @courts.command("load")
    def load(file: Path = typer.Argument(..., help="courts as CSV or JSON (interchange format)")) -> None:
        """Replace the built-in network with a custom one (validated first; all or nothing)."""
        with cli_errors():
            engine = configured_store()
            network = store.load_court_file(engine, file)
            out.print(f"loaded {len(network)} courts from {file} (hash {network.content_hash})")

    @courts.command("info")
    def info() -> None:
        """Which network is active, and its size."""
        with cli_errors():
            engine = configured_store()
            with session_scope(engine) as session:
                write_json_stdout(json.dumps(repository.network_info(session=session), ensure_ascii=False, indent=2))

    app.add_typer(cases, name="cases")
    app.add_typer(courts, name="courts")
