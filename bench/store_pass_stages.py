"""The store pass per stage: CPU µs per open case over one range of stored open cases, in one process.

    .venv/bin/python bench/store_pass_stages.py --url sqlite:////tmp/assign-bench/store-100000.sqlite

Stages, each timed with `time.process_time` (CPU of this process, so a loaded machine inflates
them less than wall time; still indicative only): fetch (one range's rows), read (the store
pass's `read_stored`: the trusted fast path for checked rows, `assign.stored_case`; best of
`--rounds`), rules (facts, engine and verdicts: `evaluate_each`), verdict JSON (the stored form), and save (the
verdicts' upsert in pages of 2,500, JSON included). The verdicts are saved for a day before
`--as-of` (`--day-back` days), so repeated runs write new rows rather than replace old ones.
Run it against a copy of the store: it adds verdicts. For an A/B, run the two trees alternately.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import Engine

from api.config import BUILTIN_RULEBOOK_DIR
from api.service.evaluation import evaluate_each
from assign import repository
from assign.db import make_engine, session_scope
from assign.heap import collector_paused, settle_heap
from assign.network import CourtNetwork, builtin_network
from assign.schemas import CaseStatus
from assign.stored_case import read_stored
from assign.stored_verdict import stored_json
from rules.engine import RuleEngine
from rules.facts import UNFINISHED_STATUSES, BatchContext
from rules.loader import load_rulebook


class Store(NamedTuple):
    """A store's database, the built-in network and rulebook, the store-wide batch context and the
    ranges of `size` open cases (as the store pass reads them; `bench/verdict_digest.py` reuses it)."""

    db: Engine
    network: CourtNetwork
    engine: RuleEngine
    batch: BatchContext
    ranges: list[tuple[str, str, int]]


def open_store(url: str, size: int) -> Store:
    db = make_engine(url)
    network = builtin_network()
    engine = RuleEngine(load_rulebook(BUILTIN_RULEBOOK_DIR))
    with session_scope(db) as session:
        batch = BatchContext(repository.debtor_case_counts(session=session, status=UNFINISHED_STATUSES))
        ranges = list(repository.case_no_ranges(session=session, size=size, status=CaseStatus.OPEN))
    return Store(db, network, engine, batch, ranges)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--size", type=int, default=10_000, help="open cases in the range")
    ap.add_argument("--as-of", default="2025-06-30")
    ap.add_argument("--day-back", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    as_of = date.fromisoformat(args.as_of) - timedelta(days=args.day_back)
    db, network, engine, batch, ranges = open_store(args.url, args.size)
    lo, hi, _ = ranges[min(1, len(ranges) - 1)]
    settle_heap()  # as the pass's workers do
    spent: dict[str, float] = {}
    with collector_paused():  # as the pass's ranges run
        t = time.process_time()
        with session_scope(db) as session:
            rows = repository.case_records_between(session=session, first=lo, last=hi)
        spent["fetch"] = time.process_time() - t
        spent["read"] = float("inf")
        for _ in range(args.rounds):
            t = time.process_time()
            cases = [case for row in rows if (case := read_stored(row, {})) is not None]
            spent["read"] = min(spent["read"], time.process_time() - t)
        t = time.process_time()
        verdicts = evaluate_each(cases, network, as_of, engine=engine, batch=batch).verdicts
        spent["rules"] = time.process_time() - t
        t = time.process_time()
        for verdict in verdicts:
            stored_json(verdict, {})  # the verdict's stored form (`assign.stored_verdict`)
        spent["verdict JSON"] = time.process_time() - t
        t = time.process_time()
        for start in range(0, len(verdicts), 2_500):
            with session_scope(db) as session:
                repository.save_verdicts(session=session, verdicts=verdicts[start : start + 2_500])
        spent["save (JSON included)"] = time.process_time() - t
    n = len(cases)
    trusted = sum(row.trusted for row in rows)
    sys.stdout.write(f"{n:,} open cases ({trusted:,} trusted rows), as_of {as_of}; CPU µs per case: "
                     + "; ".join(f"{stage} {s / n * 1e6:.1f}" for stage, s in spent.items()) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
