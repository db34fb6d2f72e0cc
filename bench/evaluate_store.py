"""The store-wide pass: load, facts, rules and saved verdicts for every open case (issue 3 target:
1,000,000 generated cases in <= 60 s on 2 cores, peak RSS <= 1 GiB).

    .venv/bin/python bench/evaluate_store.py [N] [--url URL] [--workers 2] [--as-of DATE]

Setup (not timed): generate N cases with `assign.generator.generate_cases` and import them
with `assign.importer.import_cases` into a SQLite file, reused when it already holds N cases;
rows stored before their checks were recorded are checked and stamped (`stamp_store`).
Timed: `api.service.evaluation.evaluate_store`. Peak RSS is sampled every second over the main
process and its workers (sum) and per process. Figures depend on the machine's load.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import TextIO

import psutil
from sqlalchemy.engine import Engine

from api.config import BUILTIN_RULEBOOK_DIR
from api.service import evaluation, store
from assign import repository
from assign.db import session_scope
from assign.generator import generate_cases
from assign.importer import import_cases
from assign.network import CourtNetwork, builtin_network
from assign.schemas import CaseStatus
from assign.stored_case import StoredRecord, count_unstamped, read_stored, stamp_checked
from rules.loader import load_rulebook

SAMPLE_EVERY_S = 1.0


class PeakRss:
    """Samples the RSS of this process and its children until stopped."""

    def __init__(self) -> None:
        self.total_mb = 0.0
        self.process_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            procs = [me, *me.children(recursive=True)]
            sizes = []
            for p in procs:
                try:  # PSS: pages shared by the forked workers are split between them, not counted twice
                    sizes.append(p.memory_full_info().pss / 2**20)
                except psutil.Error:
                    pass
            self.total_mb = max(self.total_mb, sum(sizes))
            self.process_mb = max(self.process_mb, max(sizes, default=0.0))
            # once a second: reading smaps costs 6-8 ms of CPU per 275 MB process, taken from the workers
            self._stop.wait(SAMPLE_EVERY_S)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def ensure_store(url: str, n: int, *, seed: int, as_of: date, network: CourtNetwork, out: TextIO) -> Engine:
    """The store at `url`, first filled with N generated cases unless it holds them (not timed)."""
    db = store.open_store(url)
    with session_scope(db) as session:
        stored = repository.count_cases(session=session)
    if stored < n:
        out.write(f"setup: generating and importing {n - stored:,} cases into {url} (not timed)\n")
        out.flush()
        t = time.perf_counter()
        cases = generate_cases(network, n, seed=seed, as_of=as_of)
        report = import_cases(db, cases, as_of=as_of, network=network, record_keys=False)
        out.write(f"setup: {report.as_dict()} in {time.perf_counter() - t:.0f} s\n")
    stamp_store(db, out)
    return db


def stamp_store(db: Engine, out: TextIO) -> None:
    """Bring rows imported before `case_record.checks_version` existed to the current checks, as the first
    night's pass after an upgrade does (`assign.stored_case`), so the timed pass measures every later night."""
    t = time.perf_counter()
    stamped = 0
    with session_scope(db) as session:
        if not count_unstamped(session=session):
            return
        ranges = list(repository.case_no_ranges(session=session, size=10_000, status=None))
    for lo, hi, _ in ranges:
        with session_scope(db) as session:
            checked: list[StoredRecord] = []
            for record in repository.case_records_between(session=session, first=lo, last=hi, status=None):
                if not record.trusted:
                    read_stored(record, {}, checked)
            stamped += stamp_checked(session=session, records=checked)
    if stamped:
        out.write(f"setup: {stamped:,} stored cases checked and stamped in {time.perf_counter() - t:.0f} s\n")


def store_line(db: Engine, workers: int, *statuses: CaseStatus) -> tuple[str, list[int]]:
    """The store and the machine a figure was measured on (cases in all and per status, workers,
    CPUs, the load average at the start: quote it with the figure), and the counts."""
    with session_scope(db) as session:
        counts = [repository.count_cases(session=session)]
        counts += [repository.count_cases(session=session, status=s) for s in statuses]
    named = ", ".join(f"{n:,} {label}" for n, label in zip(counts, ["cases", *(s.value for s in statuses)],
                                                              strict=True))
    load = tuple(round(x, 1) for x in psutil.getloadavg())
    return f"store: {named}; {workers} workers; {psutil.cpu_count()} CPUs, load average {load}\n", counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=1_000_000)
    ap.add_argument("--url", default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--as-of", default="2025-06-30")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)
    as_of = date.fromisoformat(args.as_of)
    url = args.url or f"sqlite:///{Path('/tmp/assign-bench') / f'store-{args.n}.sqlite'}"
    out = sys.stdout
    network = builtin_network()
    db = ensure_store(url, args.n, seed=args.seed, as_of=as_of, network=network, out=out)
    line, (total, _) = store_line(db, args.workers, CaseStatus.OPEN)
    out.write(line)
    out.flush()
    t = time.perf_counter()
    with PeakRss() as peak:
        run = evaluation.evaluate_store(url, as_of, network=network, rulebook=load_rulebook(BUILTIN_RULEBOOK_DIR),
                                        workers=args.workers)
    wall = time.perf_counter() - t
    out.write(f"evaluated {run.evaluated:,} open cases in {wall:.1f} s = {run.evaluated / wall:,.0f} cases/s "
              f"({run.ranges} ranges, {run.rulebook})\n")
    out.write(f"peak PSS: {peak.total_mb:.0f} MB summed over processes, {peak.process_mb:.0f} MB largest process\n")
    target_s = 60 * total / 1_000_000
    out.write(f"target: <= {target_s:.0f} s for a store of {total:,} cases (1M in 60 s) -> "
              f"{'met' if wall <= target_s else 'NOT met'}; PSS <= 1024 MB -> "
              f"{'met' if peak.total_mb <= 1024 else 'NOT met'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
