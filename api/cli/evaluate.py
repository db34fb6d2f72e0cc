"""`assign evaluate`: verdicts for a case file (stdout JSON) or for every open case in the store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.cli.common import EXIT_INVALID_INPUT, cli_errors, err, parse_as_of, write_json_stdout
from api.cli.options import AsOf, CourtsFile, Workers, file_network
from api.cli.stores import configured_store
from api.config import get_settings
from api.service import evaluation, store
from assign.errors import DataError
from assign.interchange import read_cases
from assign.network import load_network
from rules.loader import load_rulebook


def register(app: typer.Typer) -> None:
    @app.command("evaluate")
    def evaluate(
        cases_file: Path = typer.Argument(None, help="CASES.json: a list of cases (interchange format v1)"),
        as_of: AsOf = None,
        courts: CourtsFile = None,
        use_store: bool = typer.Option(False, "--store", help="evaluate every open case in the store and save"),
        rulebook: Path = typer.Option(None, "--rulebook", help="rulebook file or directory (default: settings)"),
        workers: Workers = 2,
    ) -> None:
        """Print a JSON array of verdicts; invalid cases go to stderr (exit status 2), valid ones are evaluated."""
        with cli_errors():
            day = parse_as_of(as_of)
            rulebook_dir = rulebook or get_settings().rulebook_dir
            if use_store:
                if cases_file is not None:
                    raise DataError("give either CASES.json or --store, not both")
                _evaluate_store(day, rulebook_dir, courts, workers)
                return
            if cases_file is None:
                raise DataError("CASES.json is required unless --store is given")
            if not cases_file.exists():
                raise DataError(f"no such file: {cases_file}")
            network = file_network(courts)
            engine = evaluation.get_engine(rulebook_dir)
            parsed = read_cases(cases_file, as_of=day, network=network)
            result = evaluation.evaluate_each(parsed.cases, network, day, engine=engine)
            verdicts = result.verdicts
            write_json_stdout(json.dumps([v.model_dump(mode="json") for v in verdicts], ensure_ascii=False,
                                         indent=2))
            for problem in parsed.problems:
                err.print(f"[red]invalid case[/red] {problem}", highlight=False)
            for failure in result.failures:
                err.print(f"[red]not evaluated[/red] {failure}", highlight=False)
            if parsed.problems or result.failures:
                err.print(f"{len(parsed.problems) + len(result.failures)} problem(s); {len(verdicts)} case(s) "
                          f"evaluated", highlight=False)
                raise typer.Exit(EXIT_INVALID_INPUT)


def _evaluate_store(day: date, rulebook_dir: Path, courts: Path | None, workers: int) -> None:
    rulebook = load_rulebook(rulebook_dir)  # once: the verdicts carry the version reported below
    url = get_settings().database_url
    db = configured_store()
    network = load_network(courts) if courts else store.current_network(db)
    with Progress(TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False) as bar:
        task = bar.add_task("evaluate", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        run = evaluation.evaluate_store(url, day, network=network, rulebook=rulebook, workers=workers,
                                        progress=progress)
    err.print(f"{run.evaluated} verdicts saved for {day} with {run.rulebook} ({run.ranges} ranges)", highlight=False)
    for problem in run.problems:
        err.print(f"[red]not evaluated[/red] {problem}", highlight=False)
    if run.rejected:
        err.print(f"{run.rejected} stored case(s) could not be evaluated", highlight=False)
        raise typer.Exit(EXIT_INVALID_INPUT)
