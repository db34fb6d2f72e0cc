"""`assign rules check [DIR]` and `assign rules compile [--write DIR]`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from api.cli.common import EXIT_FAILED, cli_errors, err, out, write_json_stdout
from api.config import get_settings
from assign.errors import RulebookError
from rules.checks import coverage
from rules.compiler import compile_rulebook, engine_limit_problems
from rules.loader import parse_rulebook, rulebook_file


def golden_text(path: Path) -> str:
    """The golden compiled JSON for one rulebook file (what `compile --write DIR` writes)."""
    rulebook = parse_rulebook(path.read_text(encoding="utf-8"), str(path))
    return json.dumps(compile_rulebook(rulebook), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def register(app: typer.Typer) -> None:
    rules_app = typer.Typer(help="The rulebooks: Article 237 and the node alerts.", no_args_is_help=True)

    @rules_app.command("check")
    def check(directory: Path = typer.Argument(None, help="rulebook file or directory (default: settings)")) -> None:
        """Every ruleset in the directory (art237, alerts): schema, facts, operators, ids, outcome gaps and
        overlaps, engine limits."""
        target = Path(directory or get_settings().rulebook_dir)
        files = sorted([*target.glob("*.yml"), *target.glob("*.yaml")]) if target.is_dir() else [target]
        if not files:
            err.print(f"[red]FAIL[/red] {target}: no rulebook file (*.yml)", highlight=False)
            raise typer.Exit(EXIT_FAILED)
        results = [_check_file(file) for file in files]
        if not all(results):
            raise typer.Exit(EXIT_FAILED)
        out.print("[green]OK[/green]")

    @rules_app.command("compile")
    def compile_(
        directory: Path = typer.Argument(None, help="rulebook directory (default: settings)"),
        write: Path = typer.Option(None, "--write", help="write one JSON per rulebook file into this directory "
                                   "(the golden files: tests/rules/golden)"),
        ruleset: str = typer.Option("art237", "--ruleset", help="the ruleset to print: art237 or alerts"),
    ) -> None:
        """Print one ruleset's compiled durable-rules JSON, or (--write DIR) write every rulebook file's
        as DIR/<rulebook>.json."""
        with cli_errors():
            target = Path(directory or get_settings().rulebook_dir)
            files = sorted(target.glob("*.yml")) if target.is_dir() else [target]
            if write is None:
                write_json_stdout(golden_text(rulebook_file(target, ruleset)))
                return
            write.mkdir(parents=True, exist_ok=True)
            for file in files:
                dest = write / f"{file.stem}.json"
                dest.write_text(golden_text(file), encoding="utf-8")
                err.print(f"wrote {dest}", highlight=False)

    app.add_typer(rules_app, name="rules")


def _check_file(file: Path) -> bool:
    """Check one rulebook file, printing its summary and every problem; True when it passes."""
    try:
        rulebook = parse_rulebook(file.read_text(encoding="utf-8"), str(file))
    except RulebookError as e:
        err.print(f"[red]FAIL[/red] {e}", highlight=False)
        return False
    report = coverage(rulebook)
    limits = engine_limit_problems(compile_rulebook(rulebook), str(file))
    outcome_rules = sum(1 for r in rulebook.rules if r.is_outcome_rule)
    out.print(f"{file}: rulebook {rulebook.id} {rulebook.version} hash {rulebook.content_hash[:12]}; "
              f"{len(rulebook.rules)} rules ({outcome_rules} outcome rules)", highlight=False)
    if outcome_rules:
        out.print(f"outcome-deciding facts: {', '.join(report.deciding_facts)}; "
                  f"{report.combinations} combinations, {len(report.gaps)} gaps, {len(report.overlaps)} overlaps",
                  highlight=False)
    for line in report.lines() + limits:
        err.print(f"[red]problem[/red] {line}", highlight=False)
    return report.ok and not limits
