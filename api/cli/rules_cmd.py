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
    rules_app = typer.Typer(help="The Article 237 rulebook.", no_args_is_help=True)

    @rules_app.command("check")
    def check(directory: Path = typer.Argument(None, help="rulebook file or directory (default: settings)")) -> None:
        """Schema, facts, operators, ids, outcome gaps and overlaps, engine limits."""
        target = directory or get_settings().rulebook_dir
        try:
            file = rulebook_file(target)
            rulebook = parse_rulebook(file.read_text(encoding="utf-8"), str(file))
        except RulebookError as e:
            err.print(f"[red]FAIL[/red] {e}", highlight=False)
            raise typer.Exit(EXIT_FAILED) from None
        report = coverage(rulebook)
        limits = engine_limit_problems(compile_rulebook(rulebook), str(file))
        outcome_rules = sum(1 for r in rulebook.rules if r.is_outcome_rule)
        out.print(f"{file}: rulebook {rulebook.id} {rulebook.version} hash {rulebook.content_hash[:12]}; "
                  f"{len(rulebook.rules)} rules ({outcome_rules} outcome rules)", highlight=False)
        out.print(f"outcome-deciding facts: {', '.join(report.deciding_facts)}; "
                  f"{report.combinations} combinations, {len(report.gaps)} gaps, {len(report.overlaps)} overlaps",
                  highlight=False)
        for line in report.lines() + limits:
            err.print(f"[red]problem[/red] {line}", highlight=False)
        if not report.ok or limits:
            raise typer.Exit(EXIT_FAILED)
        out.print("[green]OK[/green]")

    @rules_app.command("compile")
    def compile_(
        directory: Path = typer.Argument(None, help="rulebook directory (default: settings)"),
        write: Path = typer.Option(None, "--write", help="write one JSON per rulebook file into this directory "
                                   "(the golden files: tests/rules/golden)"),
    ) -> None:
        """Print the compiled durable-rules JSON, or (--write DIR) write it as DIR/<rulebook>.json."""
        with cli_errors():
            target = Path(directory or get_settings().rulebook_dir)
            files = sorted(target.glob("*.yml")) if target.is_dir() else [target]
            if write is None:
                for file in files:
                    write_json_stdout(golden_text(file))
                return
            write.mkdir(parents=True, exist_ok=True)
            for file in files:
                dest = write / f"{file.stem}.json"
                dest.write_text(golden_text(file), encoding="utf-8")
                err.print(f"wrote {dest}", highlight=False)

    app.add_typer(rules_app, name="rules")
