"""`assign generate`: realistic synthetic cases over the court network (docs/workload.md).

Cases stream from the generator to the file, stdout or the store one batch at a time, so
a million of them never sit in memory.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from api.cli.common import EXIT_INVALID_INPUT, cli_errors, err, parse_as_of
from api.cli.stores import configured_store
from api.service import store
from assign.errors import DataError
from assign.generator import generate_cases
from assign.importer import import_cases
from assign.interchange import write_cases
from assign.network import builtin_network, load_network
from assign.schemas import Case

_FORMATS = {".json": "json", ".jsonl": "jsonl", ".csv": "csv"}


def output_format(path: Path | None) -> str:
    """json (the default, also for stdout), jsonl or csv, from the file's suffix."""
    if path is None:
        return "json"
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataError(f"--out {path}: the name must end in .json, .jsonl or .csv")
    return fmt


def counted(cases: Iterable[Case], advance: Callable[[int], None], every: int = 1000) -> Iterator[Case]:
    """Pass cases through, reporting progress every `every` cases (and at the end)."""
    pending = 0
    for case in cases:
        yield case
        pending += 1
        if pending == every:
            advance(pending)
            pending = 0
    if pending:
        advance(pending)


def _progress(label: str) -> Progress:
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TimeRemainingColumn(), console=err, transient=True)


def register(app: typer.Typer) -> None:
    @app.command("generate")
    def generate(
        cases: Annotated[int, typer.Option("--cases", min=0, help="How many cases.")] = 1000,
        seed: Annotated[int, typer.Option("--seed", help="Same seed, same cases.")] = 0,
        as_of: Annotated[str | None, typer.Option("--as-of", help="Evaluation date YYYY-MM-DD; no date after "
                                                                  "it (default: today).")] = None,
        province: Annotated[str | None, typer.Option("--province", help="Only one province: '51', '510000' "
                                                                        "or a high court code 'H510000'.")] = None,
        courts: Annotated[Path | None, typer.Option("--courts", help="Court network file (CSV or JSON); "
                                                                     "default: the built-in network, or the "
                                                                     "store's active one with --store.")] = None,
        out_path: Annotated[Path | None, typer.Option("--out", help="Write to FILE.json (array), .jsonl or "
                                                                    ".csv instead of JSON on stdout.")] = None,
        to_store: Annotated[bool, typer.Option("--store", help="Import straight into the database "
                                                               "(DATABASE_URL) instead of writing.")] = False,
    ) -> None:
        """Write realistic synthetic enforcement cases (deterministic per seed)."""
        with cli_errors():
            day = parse_as_of(as_of)
            if to_store and out_path is not None:
                raise DataError("give either --out or --store, not both")
            fmt = output_format(out_path)
            started = time.perf_counter()
            if to_store:
                engine = configured_store()
                active = store.current_network(engine)
                network = load_network(courts) if courts else active
                stream = generate_cases(network, cases, seed=seed, as_of=day, province=province)
                with _progress("generating + importing") as bar:
                    task = bar.add_task("import", total=cases)
                    # Checked against the store's active network: cases generated over another
                    # --courts file that name courts the store does not know are rejected.
                    report = import_cases(engine, stream, as_of=day, network=active, record_keys=False,
                                          progress=lambda k: bar.advance(task, k))
                d = report.as_dict()
                _summary(cases, started, f"stored {d['stored']}, updated {d['updated']}, "
                                          f"unchanged {d['unchanged']}, rejected {d['rejected']}")
                for p in report.rejected[:20]:
                    err.print(f"[red]rejected[/red] {p}", highlight=False)
                if not report.ok:
                    raise typer.Exit(EXIT_INVALID_INPUT)
                return
            network = load_network(courts) if courts else builtin_network()
            stream = generate_cases(network, cases, seed=seed, as_of=day, province=province)
            if out_path is None:
                write_cases(stream, sys.stdout, fmt)
                sys.stdout.flush()
                return
            out_path.parent.mkdir(parents=True, exist_ok=True)
            with _progress(f"writing {out_path.name}") as bar, out_path.open("w", encoding="utf-8", newline="") as fh:
                task = bar.add_task("write", total=cases)
                n = write_cases(counted(stream, lambda k: bar.advance(task, k)), fh, fmt)
            _summary(n, started, f"wrote {out_path} ({fmt})")


def _summary(n: int, started: float, what: str) -> None:
    seconds = time.perf_counter() - started
    rate = n / seconds if seconds > 0 else 0.0
    err.print(f"{n:,} cases in {seconds:.1f} s ({rate:,.0f} cases/s): {what}", highlight=False)

