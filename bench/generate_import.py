"""Benchmark: generate N realistic cases and import them into SQLite or PostgreSQL.

    .venv/bin/python bench/generate_import.py                      # 1,000,000 cases, SQLite file
    .venv/bin/python bench/generate_import.py --cases 50000
    .venv/bin/python bench/generate_import.py --database-url postgresql://assign:assign@127.0.0.1:5432/assign_test

One streaming pass: the generator feeds the importer batch by batch, so memory stays flat.
Time spent inside the generator (drawing + `Case.model_validate`) is measured separately
from the rest (context checks, row building, SQL), and both are printed as cases/s with
the peak RSS. On PostgreSQL the run uses a fresh schema, dropped afterwards unless --keep.
Figures are printed, not asserted: they depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import resource
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import text

from assign import migrate
from assign.db import make_engine, normalise_url
from assign.generator import generate_cases
from assign.heap import settle_heap
from assign.importer import import_cases
from assign.network import builtin_network, load_network
from assign.schemas import Case

console = Console(stderr=True)
DEFAULT_SQLITE = Path(__file__).resolve().parent.parent / "var" / "bench-generate-import.sqlite"


class TimedStream:
    """Wraps an iterator and adds up the wall time spent producing its items."""

    def __init__(self, items: Iterable[Case]) -> None:
        self._it = iter(items)
        self.seconds = 0.0

    def __iter__(self) -> Iterator[Case]:
        while True:
            t0 = time.perf_counter()
            try:
                item = next(self._it)
            except StopIteration:
                self.seconds += time.perf_counter() - t0
                return
            self.seconds += time.perf_counter() - t0
            yield item


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=20240617)
    p.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 6, 30))
    p.add_argument("--province", default=None, help="restrict to one province ('51' or 'H510000')")
    p.add_argument("--courts", type=Path, default=None, help="court network file (default: built-in)")
    p.add_argument("--database-url", default=f"sqlite:///{DEFAULT_SQLITE}",
                   help="SQLite file (recreated) or PostgreSQL URL (a fresh schema is used)")
    p.add_argument("--batch-size", type=int, default=5000)
    p.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema afterwards")
    return p.parse_args()


def open_database(url: str) -> tuple[str, str | None]:
    """(URL to use, schema to drop afterwards or None). SQLite files start empty."""
    url = normalise_url(url)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return url, None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", schema


def main() -> None:
    args = parse_args()
    network = load_network(args.courts) if args.courts else builtin_network()
    # A bulk job allocates millions of short-lived objects: freezing the long-lived ones
    # (network, modules) and collecting less often saves ~10% of generation time here.
    settle_heap(collect=False)
    url, schema = open_database(args.database_url)
    engine = make_engine(url)
    backend = engine.dialect.name
    try:
        migrate.upgrade(engine)
        stream = TimedStream(generate_cases(network, args.cases, seed=args.seed, as_of=args.as_of,
                                           province=args.province))
        columns = (TextColumn(f"generate + import ({backend})"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TimeRemainingColumn())
        started = time.perf_counter()
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("cases", total=args.cases)
            report = import_cases(engine, stream, as_of=args.as_of, network=network, batch_size=args.batch_size,
                                  record_keys=False, progress=lambda k: bar.advance(task, k))
        total = time.perf_counter() - started
    finally:
        engine.dispose()
        if schema and not args.keep:
            admin = make_engine(normalise_url(args.database_url))
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    import_seconds = max(total - stream.seconds, 1e-9)
    counts = report.as_dict()
    table = Table(title=f"{args.cases:,} cases, {backend}, batch {args.batch_size:,}, seed {args.seed}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("total wall time", f"{total:,.1f} s ({args.cases / total:,.0f} cases/s end to end)")
    table.add_row("generation + validation", f"{stream.seconds:,.1f} s ({args.cases / max(stream.seconds, 1e-9):,.0f}"
                                             " cases/s)")
    table.add_row("import (checks, rows, SQL)", f"{import_seconds:,.1f} s ({args.cases / import_seconds:,.0f} cases/s)")
    table.add_row("stored / updated / unchanged / rejected",
                  f"{counts['stored']} / {counts['updated']} / {counts['unchanged']} / {counts['rejected']}")
    table.add_row("peak RSS", f"{peak_rss_mb():,.0f} MiB")
    if backend == "sqlite" and schema is None:
        size = Path(url[len("sqlite:///"):]).stat().st_size / 2**20
        table.add_row("SQLite file", f"{size:,.0f} MiB")
    Console().print(table)


if __name__ == "__main__":
    main()
